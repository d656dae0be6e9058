using Azure;
using SelfTrain.Core.Embeddings;
using SelfTrain.Storage;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>
/// A round's propagated class distributions, one blob per partition beside the round's shards
/// (<c>shards/{round}/propagated-{partition}.emb</c>, <see cref="EmbeddingSetFormat"/> with one row per pool image,
/// keyed by content hash, one float per class): written by label propagation, read by the shard step.
/// </summary>
public sealed class PropagatedScoreStore(StorageAccount storage, StorageLayout layout)
{
    /// <summary>The name the sets carry in place of an embedding model: their rows are class distributions.</summary>
    public const string SetName = "propagated";

    public static string BlobName(string roundId, string partition) => $"{roundId}/propagated-{partition}.emb";

    public async Task WriteAsync(string roundId, string partition, EmbeddingSet scores, CancellationToken cancellationToken = default)
    {
        var shards = storage.Blobs.GetBlobContainerClient(layout.Shards);
        await shards.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        using var buffer = new MemoryStream();
        EmbeddingSetFormat.Write(scores, buffer);
        buffer.Position = 0;
        await shards.GetBlobClient(BlobName(roundId, partition)).UploadAsync(buffer, overwrite: true, cancellationToken);
    }

    /// <returns>The partition's scores, or null when the round stored none for it.</returns>
    /// <exception cref="InvalidDataException">The blob is damaged, naming it.</exception>
    public async Task<EmbeddingSet?> ReadAsync(string roundId, string partition, CancellationToken cancellationToken = default)
    {
        var name = BlobName(roundId, partition);
        try
        {
            var content = await storage.Blobs.GetBlobContainerClient(layout.Shards).GetBlobClient(name).DownloadContentAsync(cancellationToken);
            using var stream = content.Value.Content.ToStream();
            return EmbeddingSetFormat.Read(stream, $"{layout.Shards}/{name}");
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }
}
