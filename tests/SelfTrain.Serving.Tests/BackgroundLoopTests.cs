using Microsoft.Extensions.Logging.Abstractions;
using SelfTrain.Inference;
using SelfTrain.Storage;
using SelfTrain.Testing;

namespace SelfTrain.Serving.Tests;

/// <summary>Background loops never stop their host: a failing pass is logged, recorded, backed off and retried.</summary>
public sealed class BackgroundLoopTests
{
    [Fact]
    public async Task The_champion_refresher_survives_a_storage_outage_and_a_malformed_pointer_and_recovers()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var outage = new StorageOutage();
        var models = new ModelStore(StorageAccount.FromConnectionString(AzuriteStorage.ConnectionString, outage), scope.Layout);
        await models.RegisterChampionAsync(new LinearTestModel("v1"));
        var second = new LinearTestModel("v2", seed: 2);
        await models.SaveAsync(second.Onnx, second.Manifest);
        using var served = new ServedModel();
        var status = new BackgroundLoopStatus();
        var loader = new ChampionLoader(models, served, new InferenceOptions { IntraOpThreads = 1 }, NullLogger<ChampionLoader>.Instance);
        using var refresher = new ChampionRefresher(loader, new ServingOptions { ChampionPollInterval = TimeSpan.FromMilliseconds(50) }, status,
            TimeProvider.System, NullLogger<ChampionRefresher>.Instance);
        await refresher.StartAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => served.Version == "v1", Patience, "v1 served");

        outage.Begin();
        await Eventually.HoldsAsync(() => Report(status)?.ConsecutiveFailures >= 1, Patience, "the outage recorded");
        Assert.Contains("Storage is down", Report(status)!.LastError);
        Assert.False(refresher.ExecuteTask!.IsCompleted, "the loop stopped");
        Assert.Equal("v1", served.Version);

        // Storage is back, but the pointer is garbage: still no reason to stop.
        outage.End();
        var pointer = scope.Account.Blobs.GetBlobContainerClient(scope.Layout.Models).GetBlobClient(ModelStore.ChampionBlob);
        await pointer.UploadAsync(BinaryData.FromString("{ not json"), overwrite: true);
        await Eventually.HoldsAsync(() => Report(status)?.LastError?.Contains("Json") == true, Patience, "the malformed pointer recorded");
        Assert.False(refresher.ExecuteTask.IsCompleted, "the loop stopped");
        Assert.Equal("v1", served.Version);

        await pointer.UploadAsync(BinaryData.FromString("""{"version":"v2","since":"2026-01-01T00:00:00Z","previous":"v1","reason":"fixed"}"""), overwrite: true);
        await Eventually.HoldsAsync(() => served.Version == "v2", Patience, "v2 served after the pointer was fixed");
        await Eventually.HoldsAsync(() => Report(status)?.ConsecutiveFailures == 0, Patience, "the loop healthy again");
        await refresher.StopAsync(CancellationToken.None);
    }

    // The loop backs off up to a minute; the first retries come within seconds.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static BackgroundLoopReport? Report(BackgroundLoopStatus status) => status.Snapshot().SingleOrDefault(r => r.Name == "champion-refresher");

}
