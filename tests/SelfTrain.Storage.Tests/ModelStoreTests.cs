using SelfTrain.Testing;

namespace SelfTrain.Storage.Tests;

public sealed class ModelStoreTests
{
    [Fact]
    public async Task A_saved_version_loads_back()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var store = new ModelStore(scope.Account, scope.Layout);
        var model = new LinearTestModel("v1");

        await store.SaveAsync(model.Onnx, model.Manifest);
        var (onnx, manifest) = await store.LoadAsync("v1");

        Assert.Equal(model.Onnx, onnx);
        Assert.Equal(model.Classes, manifest.Classes);
    }

    [Fact]
    public async Task Missing_or_incomplete_versions_are_not_found()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var store = new ModelStore(scope.Account, scope.Layout);
        var models = await scope.CreateContainerAsync("models");
        await models.UploadBlobAsync(ModelStore.OnnxBlob("half"), BinaryData.FromBytes([1, 2, 3])); // no manifest yet

        Assert.Equal("half", (await Assert.ThrowsAsync<ModelNotFoundException>(() => store.LoadAsync("half"))).Version);
        await Assert.ThrowsAsync<ModelNotFoundException>(() => store.LoadAsync("never"));
        await Assert.ThrowsAsync<ModelNotFoundException>(() => store.TrySetChampionAsync("half", "test", null));
    }

    [Fact]
    public async Task Of_two_writers_racing_from_the_same_pointer_exactly_one_wins()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var store = new ModelStore(scope.Account, scope.Layout);
        foreach (var v in new[] { "a", "b", "c" })
        {
            var model = new LinearTestModel(v);
            await store.SaveAsync(model.Onnx, model.Manifest);
        }
        Assert.Null(await store.GetChampionAsync());
        Assert.True(await store.TrySetChampionAsync("a", "first", null));
        Assert.False(await store.TrySetChampionAsync("b", "also first", null));

        var seen = await store.GetChampionAsync();
        var results = await Task.WhenAll(store.TrySetChampionAsync("b", "round 1", seen), store.TrySetChampionAsync("c", "round 2", seen));

        Assert.Equal(1, results.Count(won => won));
        var champion = (await store.GetChampionAsync())!.Pointer;
        Assert.Equal(results[0] ? "b" : "c", champion.Version);
        Assert.Equal("a", champion.Previous);
    }
}
