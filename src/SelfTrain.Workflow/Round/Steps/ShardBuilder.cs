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
/// retried step overwrites its own shard rather than adding samples.
/// </summary>
public sealed class ShardBuilder(StorageAccount storage, StorageLayout layout, LabelStore labels, GoldStore gold, ServingOptions options)
{
    public static string PoolShard(string roundId, string partition) => $"{roundId}/pool-{partition}.shard";
    public static string GoldShard(string roundId) => $"{roundId}/gold.shard";

    public async Task<ShardCounts> BuildPoolShardAsync(ShardRequest request, CancellationToken cancellationToken = default)
    {
        var rows = new List<LabelRecord>();
        int belowThreshold = 0, unusable = 0;
        await foreach (var row in labels.ReadPartitionAsync(request.Partition, cancellationToken))
        {
            if (row.Status != LabelStatus.Labelled || row.ModelVersion != request.Teacher || row.Prediction is null) { unusable++; continue; }
            if (request.Thresholds is { } t && row.Prediction.Confidence < t[row.Prediction.ClassIndex]) { belowThreshold++; continue; }
            rows.Add(row);
        }
        rows.Sort((a, b) => string.CompareOrdinal(a.Content.Hex, b.Content.Hex));

        var input = StudentInput(request.InputSize);
        var incoming = storage.Blobs.GetBlobContainerClient(layout.Incoming);
        var samples = new ShardSample?[rows.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, rows.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.DownloadConcurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var bytes = await incoming.DownloadFirstExistingAsync(rows[i].BlobNames, ct);
                if (bytes is null) return; // every upload of it is gone
                samples[i] = ShardSample.Soft(Pixels(bytes, input), rows[i].Prediction!.Probabilities);
            });

        var kept = samples.OfType<ShardSample>().ToArray();
        unusable += rows.Count - kept.Length;
        var perClass = new int[request.Classes];
        foreach (var sample in kept) perClass[sample.TopClass]++;
        if (kept.Length == 0) return new ShardCounts(null, 0, belowThreshold, unusable, perClass);

        var blob = PoolShard(request.RoundId, request.Partition);
        await WriteAsync(blob, new ShardHeader(kept.Length, 1, request.InputSize, request.InputSize, request.Classes, ShardLabelKind.Soft), kept, cancellationToken);
        return new ShardCounts(blob, kept.Length, belowThreshold, unusable, perClass);
    }

    public async Task<ShardCounts> BuildGoldShardAsync(GoldShardRequest request, CancellationToken cancellationToken = default)
    {
        var images = await gold.ListAsync(GoldSplit.Train, cancellationToken);
        var input = StudentInput(request.InputSize);
        var samples = new ShardSample[images.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, images.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.DownloadConcurrency, CancellationToken = cancellationToken },
            async (i, ct) => samples[i] = ShardSample.Hard(Pixels(await gold.DownloadAsync(images[i].BlobName, ct), input), images[i].ClassIndex));

        var perClass = new int[request.Classes];
        foreach (var image in images) perClass[image.ClassIndex]++;
        var blob = GoldShard(request.RoundId);
        await WriteAsync(blob, new ShardHeader(samples.Length, 1, request.InputSize, request.InputSize, request.Classes, ShardLabelKind.Hard), samples, cancellationToken);
        return new ShardCounts(blob, samples.Length, 0, 0, perClass);
    }

    /// <summary>Students learn from gray images of the job's size.</summary>
    private static ModelInput StudentInput(int size) => new() { TensorName = "input", Width = size, Height = size, ColorOrder = ColorOrder.Gray };

    private byte[] Pixels(byte[] encoded, ModelInput input)
    {
        using var bitmap = ImageDecoder.Decode(encoded, options.Limits, input.Width, input.Height);
        var pixels = new byte[checked(input.Width * input.Height)];
        ImagePreprocessor.WriteBytes(bitmap, input, pixels);
        return pixels;
    }

    private async Task WriteAsync(string blob, ShardHeader header, IReadOnlyList<ShardSample> samples, CancellationToken cancellationToken)
    {
        var shards = storage.Blobs.GetBlobContainerClient(layout.Shards);
        await shards.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        using var buffer = new MemoryStream();
        await ShardWriter.WriteAllAsync(buffer, header, blob, samples, cancellationToken);
        buffer.Position = 0;
        await shards.GetBlobClient(blob).UploadAsync(buffer, overwrite: true, cancellationToken);
    }
}
