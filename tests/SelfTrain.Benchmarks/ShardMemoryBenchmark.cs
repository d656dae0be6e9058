using System.Diagnostics;
using SelfTrain.Core;
using SelfTrain.Core.Labels;
using SelfTrain.Inference;
using SelfTrain.Serving;
using SelfTrain.Storage;
using SelfTrain.Workflow.Round;
using SelfTrain.Workflow.Round.Steps;

namespace SelfTrain.Benchmarks;

/// <summary>
/// One shard step over a partition of many label rows: the step's time and this process's resident memory before and
/// at its peak. The rows are distinct (each its own content hash and soft label) but name one small image blob, so
/// seeding is quick; the step still downloads, decodes and writes every one of them.
/// </summary>
internal static class ShardMemoryBenchmark
{
    public static async Task<object> RunAsync(string storage, int rows)
    {
        var account = StorageAccount.FromConnectionString(storage);
        var layout = new StorageLayout { Prefix = $"shardbench{Environment.ProcessId}", LabelPartitions = 1 };
        var incoming = account.Blobs.GetBlobContainerClient(layout.Incoming);
        await incoming.CreateIfNotExistsAsync();
        await incoming.GetBlobClient("one.png").UploadAsync(BinaryData.FromBytes(BenchModel.Pngs(1)[0]), overwrite: true);

        var labels = new LabelStore(account, layout);
        var probabilities = new float[] { 0.91f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f };
        var seeding = Stopwatch.StartNew();
        foreach (var chunk in Enumerable.Range(0, rows).Chunk(10_000))
            await labels.RecordAsync(chunk.Select(i => new LabelRecord
            {
                Content = ContentAddress.Of(BitConverter.GetBytes(i)),
                BlobNames = ["one.png"],
                Status = LabelStatus.Labelled,
                LabelledAt = DateTimeOffset.UnixEpoch,
                ModelVersion = "teacher",
                Prediction = new Prediction(0, "class-0", 0.91f, 0.9f, 0.5f, probabilities),
            }).ToArray());
        var seedSeconds = seeding.Elapsed.TotalSeconds;

        var builder = new ShardBuilder(account, layout, labels, new GoldStore(account, layout),
            new ModelLoader(new ModelStore(account, layout), new InferenceOptions()), new ServingOptions(), new EmbeddingStore(account, layout), new PropagatedScoreStore(account, layout)); // every row is the teacher's: nothing to load
        GC.Collect();
        var memory = new ResidentMemory(Environment.ProcessId);
        var clock = Stopwatch.StartNew();
        var counts = await builder.BuildPoolShardAsync(new ShardRequest("bench", labels.Partitions.Single(), "teacher", null, 28, 10));
        var seconds = clock.Elapsed.TotalSeconds;
        await memory.DisposeAsync();

        return new
        {
            benchmark = "shards",
            rows,
            accepted = counts.Accepted,
            seedSeconds = Math.Round(seedSeconds, 1),
            shardSeconds = Math.Round(seconds, 1),
            rowsPerSecond = Math.Round(rows / seconds),
            baselineRssMb = ResidentMemory.Megabytes(memory.Baseline),
            peakRssMb = ResidentMemory.Megabytes(memory.Peak),
            peakOverBaselineMb = ResidentMemory.Megabytes(memory.Peak - memory.Baseline),
            shardMb = ResidentMemory.Megabytes((long)rows * (28 * 28 + 10 * 4 + 5)),
        };
    }
}
