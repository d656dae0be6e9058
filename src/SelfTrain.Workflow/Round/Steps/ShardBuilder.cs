using SelfTrain.Core.Labels;
using SelfTrain.Core.Models;
using SelfTrain.Core.Shards;
using SelfTrain.Inference;
using SelfTrain.Serving;
using SelfTrain.Storage;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>
/// Fan-out: turns one label-store partition (or the gold training split) into one training shard. A pool image is
/// kept when the teacher labelled it and its confidence passes its class's threshold; it is stored with the teacher's
/// soft probabilities at the student's input size. A shard's name depends only on the round and partition, so a
/// retried step overwrites its own shard rather than adding samples. Everything streams — rows from the table, a
/// chunk of images at a time downloaded and decoded in parallel, samples onto a disk spool, the spool into the blob —
/// so a partition of any size costs one chunk of images in memory; samples keep the table's order (by content hash).
/// </summary>
public sealed class ShardBuilder(StorageAccount storage, StorageLayout layout, LabelStore labels, GoldStore gold, ServingOptions options)
{
    /// <summary>Images downloaded and decoded together; what a shard step holds in memory at once.</summary>
    public const int ChunkSize = 256;

    public static string PoolShard(string roundId, string partition) => $"{roundId}/pool-{partition}.shard";
    public static string GoldShard(string roundId) => $"{roundId}/gold.shard";

    public async Task<ShardCounts> BuildPoolShardAsync(ShardRequest request, CancellationToken cancellationToken = default)
    {
        int belowThreshold = 0, unusable = 0;
        async IAsyncEnumerable<LabelRecord> Accepted()
        {
            await foreach (var row in labels.ReadPartitionAsync(request.Partition, cancellationToken))
            {
                if (row.Status != LabelStatus.Labelled || row.ModelVersion != request.Teacher || row.Prediction is null) { unusable++; continue; }
                if (request.Thresholds is { } t && row.Prediction.Confidence < t[row.Prediction.ClassIndex]) { belowThreshold++; continue; }
                yield return row;
            }
        }

        var blob = PoolShard(request.RoundId, request.Partition);
        var incoming = storage.Blobs.GetBlobContainerClient(layout.Incoming);
        var shape = new ShardHeader(0, 1, request.InputSize, request.InputSize, request.Classes, ShardLabelKind.Soft);
        var (kept, missing, perClass) = await SpoolAsync(blob, shape, Accepted(), request.Classes,
            async (row, ct) => await incoming.DownloadFirstExistingAsync(row.BlobNames, ct) is { } bytes
                ? ShardSample.Soft(Pixels(bytes, request.InputSize), row.Prediction!.Probabilities)
                : null, // every upload of it is gone
            cancellationToken);
        return new ShardCounts(kept > 0 ? blob : null, kept, belowThreshold, unusable + missing, perClass);
    }

    public async Task<ShardCounts> BuildGoldShardAsync(GoldShardRequest request, CancellationToken cancellationToken = default)
    {
        var images = await gold.ListAsync(GoldSplit.Train, cancellationToken);
        var blob = GoldShard(request.RoundId);
        var shape = new ShardHeader(0, 1, request.InputSize, request.InputSize, request.Classes, ShardLabelKind.Hard);
        var (kept, _, perClass) = await SpoolAsync(blob, shape, images.ToAsyncEnumerable(), request.Classes,
            async (image, ct) => ShardSample.Hard(Pixels(await gold.DownloadAsync(image.BlobName, ct), request.InputSize), image.ClassIndex),
            cancellationToken, writeEmpty: true);
        return new ShardCounts(blob, kept, 0, 0, perClass);
    }

    /// <summary>
    /// Turns each item into a sample, a chunk at a time in parallel and in order, onto a spool, then writes the spool
    /// to <paramref name="blob"/> (unless nothing was kept and <paramref name="writeEmpty"/> is false).
    /// </summary>
    private async Task<(int Kept, int Missing, int[] PerClass)> SpoolAsync<T>(string blob, ShardHeader shape, IAsyncEnumerable<T> items,
        int classes, Func<T, CancellationToken, Task<ShardSample?>> sample, CancellationToken cancellationToken, bool writeEmpty = false)
    {
        await using var spool = new ShardSpool(shape, blob);
        var perClass = new int[classes];
        var missing = 0;
        await foreach (var chunk in items.Chunk(ChunkSize).WithCancellation(cancellationToken))
        {
            var samples = new ShardSample?[chunk.Length];
            await Parallel.ForEachAsync(Enumerable.Range(0, chunk.Length),
                new ParallelOptions { MaxDegreeOfParallelism = options.DownloadConcurrency, CancellationToken = cancellationToken },
                async (i, ct) => samples[i] = await sample(chunk[i], ct));
            foreach (var kept in samples)
            {
                if (kept is null) { missing++; continue; }
                perClass[kept.TopClass]++;
                await spool.AddAsync(kept, cancellationToken);
            }
        }
        if (spool.Count > 0 || writeEmpty)
        {
            var shards = storage.Blobs.GetBlobContainerClient(layout.Shards);
            await shards.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await using var stream = await shards.GetBlobClient(blob).OpenWriteAsync(overwrite: true, cancellationToken: cancellationToken);
            await spool.WriteShardAsync(stream, cancellationToken);
        }
        return (spool.Count, missing, perClass);
    }

    /// <summary>Students learn from gray images of the job's size.</summary>
    private byte[] Pixels(byte[] encoded, int size)
    {
        var input = new ModelInput { TensorName = "input", Width = size, Height = size, ColorOrder = ColorOrder.Gray };
        using var bitmap = ImageDecoder.Decode(encoded, options.Limits, input.Width, input.Height);
        var pixels = new byte[checked(input.Width * input.Height)];
        ImagePreprocessor.WriteBytes(bitmap, input, pixels);
        return pixels;
    }
}
