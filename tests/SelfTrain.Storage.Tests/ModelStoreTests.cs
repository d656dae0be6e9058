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

    [Fact]
    public async Task Attack_a_second_write_of_a_version_is_refused_and_its_bytes_stay()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var store = new ModelStore(scope.Account, scope.Layout);
        var first = new LinearTestModel("v1");
        var other = new LinearTestModel("v1", seed: 9);
        var stored = await store.SaveAsync(first.Onnx, first.Manifest);

        // A redelivered training job, or anyone else, writing the same version again.
        await Assert.ThrowsAsync<ModelVersionExistsException>(() => store.SaveAsync(other.Onnx, other.Manifest));
        await store.SaveCandidateAsync(first.Onnx, first.Manifest);
        await Assert.ThrowsAsync<ModelVersionExistsException>(() => store.SaveCandidateAsync(other.Onnx, other.Manifest));

        var (onnx, manifest) = await store.LoadAsync("v1");
        Assert.Equal(first.Onnx, onnx);
        Assert.Equal(ModelStore.Sha256Of(first.Onnx), manifest.Sha256);
        Assert.Equal(stored.Sha256, (await store.LoadCandidateAsync("v1")).Manifest.Sha256);
    }

    [Fact]
    public async Task Attack_a_model_changed_after_it_was_stored_is_refused_at_every_load()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var store = new ModelStore(scope.Account, scope.Layout);
        var model = new LinearTestModel("v1");
        await store.SaveAsync(model.Onnx, model.Manifest);
        var models = scope.Account.Blobs.GetBlobContainerClient(scope.Layout.Models);
        await models.GetBlobClient(ModelStore.OnnxBlob("v1")).UploadAsync(BinaryData.FromBytes(new LinearTestModel("v1", seed: 5).Onnx), overwrite: true);

        var refused = await Assert.ThrowsAsync<ModelIntegrityException>(() => store.LoadAsync("v1"));
        Assert.Contains("SHA-256", refused.Message);
        await Assert.ThrowsAsync<ModelIntegrityException>(() => store.TrySetChampionAsync("v1", "test", null));
        await Assert.ThrowsAsync<ModelIntegrityException>(() => store.PublishAsync("v1"));
        Assert.Null(await store.GetChampionAsync());
    }

    [Fact]
    public async Task A_manifest_that_records_no_hash_is_refused()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var store = new ModelStore(scope.Account, scope.Layout);
        var model = new LinearTestModel("v1");
        var models = await scope.CreateContainerAsync("models");
        await models.UploadBlobAsync(ModelStore.OnnxBlob("v1"), BinaryData.FromBytes(model.Onnx));
        await models.UploadBlobAsync(ModelStore.ManifestBlob("v1"), BinaryData.FromString(SelfTrain.Core.Models.ModelManifestJson.Serialize(model.Manifest)));

        Assert.Contains("records no sha256", (await Assert.ThrowsAsync<ModelIntegrityException>(() => store.LoadAsync("v1"))).Message);
    }

    [Fact]
    public async Task Publishing_copies_a_checked_candidate_into_models_once()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var store = new ModelStore(scope.Account, scope.Layout);
        var model = new LinearTestModel("c1");
        var stored = await store.SaveCandidateAsync(model.Onnx, model.Manifest);
        await Assert.ThrowsAsync<ModelNotFoundException>(() => store.LoadAsync("c1"));

        await Assert.ThrowsAsync<ModelIntegrityException>(() => store.PublishAsync("c1", new string('0', 64)));
        await Assert.ThrowsAsync<ModelNotFoundException>(() => store.LoadAsync("c1"));
        Assert.Equal(stored.Sha256, (await store.PublishAsync("c1", stored.Sha256)).Sha256);
        Assert.Equal(stored.Sha256, (await store.PublishAsync("c1", stored.Sha256)).Sha256); // again: already there, checked in place
        Assert.Equal(model.Onnx, (await store.LoadAsync("c1")).Onnx);
        await Assert.ThrowsAsync<ModelNotFoundException>(() => store.PublishAsync("never"));
    }
}
