using SelfTrain.Core.Models;
using SelfTrain.Testing;

namespace SelfTrain.Storage.Tests;

public sealed class ModelRegistryTests
{
    private sealed class Registry(StorageTestScope scope, TimeProvider? clock = null)
    {
        public ModelStore Store { get; } = new(scope.Account, scope.Layout);
        public ModelRegistry Models => new(Store, scope.Account, scope.Layout, clock ?? TimeProvider.System);

        public async Task SaveAsync(params string[] versions)
        {
            foreach (var version in versions)
            {
                var model = new LinearTestModel(version);
                await Store.SaveAsync(model.Onnx, model.Manifest);
            }
        }
    }

    /// <summary>Stands still until moved, so records made back to back can collide on their names.</summary>
    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task The_list_shows_complete_versions_with_lineage_and_marks_the_champion()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var registry = new Registry(scope);
        await registry.SaveAsync("a");
        var student = new LinearTestModel("b", seed: 2);
        await registry.Store.SaveAsync(student.Onnx, student.Manifest with
        {
            CreatedAt = student.Manifest.CreatedAt.AddDays(1),
            Lineage = new ModelLineage { Teacher = "a", Recipe = "noisy-student", DataSnapshot = "round-1" },
            Metrics = new Dictionary<string, double> { ["validationAccuracy"] = 0.91 },
        });
        var models = scope.Account.Blobs.GetBlobContainerClient(scope.Layout.Models);
        await models.UploadBlobAsync(ModelStore.OnnxBlob("half"), BinaryData.FromBytes([1, 2, 3])); // no manifest yet
        Assert.NotNull(await registry.Models.PromoteAsync("a", ChampionChangeKind.Manual, "first", null));
        await registry.Models.RecordRejectionAsync("b", ["not significant"]); // the history folder is not a version

        var listing = await registry.Models.ListAsync();

        Assert.Equal("a", listing.Champion?.Version);
        Assert.Equal(["b", "a"], listing.Versions.Select(v => v.Version)); // newest first
        Assert.Equal([false, true], listing.Versions.Select(v => v.IsChampion));
        Assert.Equal(new ModelLineageSummary("a", "noisy-student", "round-1"), listing.Versions[0].Lineage);
        Assert.Equal(0.91, listing.Versions[0].Metrics["validationAccuracy"]);
        Assert.Null(listing.Versions[1].Lineage);
    }

    [Fact]
    public async Task An_empty_registry_lists_nothing()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var registry = new Registry(scope).Models;

        var listing = await registry.ListAsync();

        Assert.Null(listing.Champion);
        Assert.Empty(listing.Versions);
        Assert.Empty(await registry.HistoryAsync());
    }

    [Fact]
    public async Task A_promotion_moves_the_pointer_and_is_recorded()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var registry = new Registry(scope);
        await registry.SaveAsync("a", "b");
        await registry.Models.PromoteAsync("a", ChampionChangeKind.Manual, "bootstrap", null);
        var metrics = new Dictionary<string, double> { ["accuracyGain"] = 0.03, ["mcNemarP"] = 0.004 };

        var pointer = await registry.Models.PromoteAsync("b", ChampionChangeKind.Promoted, "better on gold",
            await registry.Store.GetChampionAsync(), metrics);

        Assert.Equal(new ChampionPointer("b", pointer!.Since, "a", "better on gold"), pointer);
        Assert.Equal(pointer, (await registry.Store.GetChampionAsync())!.Pointer);
        var history = await registry.Models.HistoryAsync();
        Assert.Equal([ChampionChangeKind.Promoted, ChampionChangeKind.Manual], history.Select(h => h.Kind));
        var promoted = history[0];
        Assert.Equal(("b", "a", pointer.Since), (promoted.Version, promoted.Previous, promoted.At));
        Assert.Equal(["better on gold"], promoted.Reasons);
        Assert.Equal(metrics, promoted.Metrics);
        Assert.Null(history[1].Previous);
    }

    [Fact]
    public async Task Promoting_the_serving_version_changes_and_records_nothing()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var registry = new Registry(scope);
        await registry.SaveAsync("a");
        var first = await registry.Models.PromoteAsync("a", ChampionChangeKind.Manual, "bootstrap", null);
        var state = await registry.Store.GetChampionAsync();

        var again = await registry.Models.PromoteAsync("a", ChampionChangeKind.Manual, "again", state);

        Assert.Equal(first, again);
        Assert.Equal(state!.ETag, (await registry.Store.GetChampionAsync())!.ETag);
        Assert.Single(await registry.Models.HistoryAsync());
    }

    [Fact]
    public async Task Promoting_an_unknown_or_incomplete_version_fails_and_records_nothing()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var registry = new Registry(scope);
        var models = await scope.CreateContainerAsync("models");
        await models.UploadBlobAsync(ModelStore.OnnxBlob("half"), BinaryData.FromBytes([1, 2, 3]));

        await Assert.ThrowsAsync<ModelNotFoundException>(() => registry.Models.PromoteAsync("half", ChampionChangeKind.Manual, "try", null));
        await Assert.ThrowsAsync<ModelNotFoundException>(() => registry.Models.PromoteAsync("never", ChampionChangeKind.Manual, "try", null));

        Assert.Null(await registry.Store.GetChampionAsync());
        Assert.Empty(await registry.Models.HistoryAsync());
    }

    [Fact]
    public async Task Of_two_promotions_from_the_same_pointer_exactly_one_wins_and_exactly_one_is_recorded()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var registry = new Registry(scope);
        await registry.SaveAsync("a", "b", "c");
        await registry.Models.PromoteAsync("a", ChampionChangeKind.Manual, "bootstrap", null);
        var seen = await registry.Store.GetChampionAsync();

        var results = await Task.WhenAll(
            registry.Models.PromoteAsync("b", ChampionChangeKind.Promoted, "round 1", seen),
            registry.Models.PromoteAsync("c", ChampionChangeKind.Promoted, "round 2", seen));

        var winner = Assert.Single(results.OfType<ChampionPointer>());
        Assert.Equal(winner, (await registry.Store.GetChampionAsync())!.Pointer);
        var promotions = (await registry.Models.HistoryAsync()).Where(h => h.Kind == ChampionChangeKind.Promoted).ToArray();
        var recorded = Assert.Single(promotions);
        Assert.Equal((winner.Version, "a"), (recorded.Version, recorded.Previous));
    }

    [Fact]
    public async Task A_rollback_returns_to_the_previous_champion_and_is_recorded()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var registry = new Registry(scope);
        await registry.SaveAsync("a", "b");
        await registry.Models.PromoteAsync("a", ChampionChangeKind.Manual, "bootstrap", null);
        await registry.Models.PromoteAsync("b", ChampionChangeKind.Promoted, "better", await registry.Store.GetChampionAsync());

        var pointer = await registry.Models.RollbackAsync("b misbehaves in production");

        Assert.Equal(("a", "b", "b misbehaves in production"), (pointer!.Version, pointer.Previous, pointer.Reason));
        Assert.Equal("a", (await registry.Store.GetChampionAsync())!.Pointer.Version);
        var rollback = (await registry.Models.HistoryAsync())[0];
        Assert.Equal((ChampionChangeKind.Rollback, "a", "b"), (rollback.Kind, rollback.Version, rollback.Previous));
        Assert.Equal(["b misbehaves in production"], rollback.Reasons);
        // The old champion's files stay: a second rollback undoes the first.
        Assert.Equal(["a", "b"], (await registry.Models.ListAsync()).Versions.Select(v => v.Version).Order());
        Assert.Equal("b", (await registry.Models.RollbackAsync("undo"))!.Version);
    }

    [Fact]
    public async Task A_rollback_without_a_previous_champion_is_a_clear_error()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var registry = new Registry(scope);

        var none = await Assert.ThrowsAsync<NoPreviousChampionException>(() => registry.Models.RollbackAsync("oops"));
        Assert.Contains("no champion", none.Message);

        await registry.SaveAsync("a");
        await registry.Models.PromoteAsync("a", ChampionChangeKind.Manual, "bootstrap", null);
        var first = await Assert.ThrowsAsync<NoPreviousChampionException>(() => registry.Models.RollbackAsync("oops"));
        Assert.Contains("'a' has no previous champion", first.Message);

        Assert.Equal("a", (await registry.Store.GetChampionAsync())!.Pointer.Version);
        Assert.Single(await registry.Models.HistoryAsync());
    }

    [Fact]
    public async Task A_rejection_keeps_the_champion_and_records_reasons_and_metrics()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var registry = new Registry(scope);
        await registry.SaveAsync("a", "b");
        await registry.Models.PromoteAsync("a", ChampionChangeKind.Manual, "bootstrap", null);
        var before = await registry.Store.GetChampionAsync();

        var entry = await registry.Models.RecordRejectionAsync("b", ["p = 0.21 is not below 0.05", "recall of class-2 fell by 0.08"],
            new Dictionary<string, double> { ["mcNemarP"] = 0.21 });

        Assert.Equal(before!.ETag, (await registry.Store.GetChampionAsync())!.ETag);
        var recorded = (await registry.Models.HistoryAsync())[0];
        Assert.Equal((ChampionChangeKind.Rejected, "b", "a"), (recorded.Kind, recorded.Version, recorded.Previous));
        Assert.Equal(entry.Reasons, recorded.Reasons);
        Assert.Equal(0.21, recorded.Metrics!["mcNemarP"]);
    }

    [Fact]
    public async Task History_records_are_never_overwritten_and_come_back_newest_first()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var clock = new ManualClock(new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero));
        var registry = new Registry(scope, clock).Models;

        var first = await registry.RecordRejectionAsync("b", ["first"]);
        var second = await registry.RecordRejectionAsync("b", ["second"]); // same instant, same kind, same version
        clock.Now = clock.Now.AddSeconds(1);
        var third = await registry.RecordRejectionAsync("c", ["third"]);

        Assert.Equal("history/20260304T050607890Z-rejected-b.json", ModelRegistry.HistoryBlob(first));
        Assert.Equal(first.At.AddMilliseconds(1), second.At);
        var history = await registry.HistoryAsync();
        Assert.Equal(["third", "second", "first"], history.Select(h => h.Reasons.Single()));
        Assert.Equal(["third"], (await registry.HistoryAsync(limit: 1)).Select(h => h.Reasons.Single()));
        var blobs = scope.Account.Blobs.GetBlobContainerClient(scope.Layout.Models);
        var stored = await blobs.GetBlobClient(ModelRegistry.HistoryBlob(first)).DownloadContentAsync();
        Assert.Contains("\"kind\": \"rejected\"", stored.Value.Content.ToString());
        Assert.Contains("\"first\"", stored.Value.Content.ToString());
    }

    [Fact]
    public async Task No_version_may_take_the_history_folder_name()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var model = new LinearTestModel(ModelRegistry.HistoryFolder);
        await Assert.ThrowsAsync<ArgumentException>(() => new Registry(scope).Store.SaveAsync(model.Onnx, model.Manifest));
    }
}
