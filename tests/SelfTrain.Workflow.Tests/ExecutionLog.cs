using Azure.Storage.Blobs;
using SelfTrain.Storage;

namespace SelfTrain.Workflow.Tests;

/// <summary>
/// Records each activity execution as its own blob, a side effect outside the orchestration's history, so tests
/// can count how often an activity really ran, across process crashes.
/// </summary>
public sealed class ExecutionLog(StorageAccount account)
{
    public async Task RecordAsync(string container, string instanceId, string activity, int shard, string stage)
    {
        var blob = account.Blobs.GetBlobContainerClient(container).GetBlobClient($"{Prefix(instanceId, activity, shard, stage)}{Guid.NewGuid():N}");
        await blob.UploadAsync(BinaryData.FromString(stage));
    }

    public async Task<int> CountAsync(string container, string instanceId, string activity, int shard, string stage)
    {
        var count = 0;
        var blobs = account.Blobs.GetBlobContainerClient(container)
            .GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, Prefix(instanceId, activity, shard, stage), default);
        await foreach (var _ in blobs) count++;
        return count;
    }

    private static string Prefix(string instanceId, string activity, int shard, string stage) => $"{instanceId}/{activity}/{shard}/{stage}-";
}
