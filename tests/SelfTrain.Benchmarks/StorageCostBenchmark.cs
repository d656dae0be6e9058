using System.Diagnostics;
using Azure.Storage.Blobs.Models;
using SelfTrain.Core;
using SelfTrain.Core.Labels;
using SelfTrain.Serving;
using SelfTrain.Storage;

namespace SelfTrain.Benchmarks;

/// <summary>
/// Where the labelling path's storage time goes: each request the path makes, done for N real Fashion-MNIST PNGs on
/// Azurite with the path's own concurrency, as wall seconds and as CPU milliseconds per image of this process and of
/// the emulator. One operation at a time, so each figure is that operation's alone.
/// </summary>
internal static class StorageCostBenchmark
{
    private static readonly int Concurrency = new ServingOptions().DownloadConcurrency;

    public static async Task<object> RunAsync(string connectionString, int storageProcess, int images)
    {
        var pngs = BenchModel.Pngs(images);
        var account = StorageAccount.FromConnectionString(connectionString);
        var layout = new StorageLayout { Prefix = "cost" + Guid.NewGuid().ToString("N")[..8] };
        var incoming = account.Blobs.GetBlobContainerClient(layout.Incoming);
        var labels = new LabelStore(account, layout);
        var names = Enumerable.Range(0, pngs.Length).Select(i => $"cost/{i:D6}.png").ToArray();
        var costs = new Dictionary<string, Cost>();
        async Task Measure(string operation, Func<Task> work)
        {
            var (process, storage) = (Processor(Environment.ProcessId), Processor(storageProcess));
            var clock = Stopwatch.StartNew();
            await work();
            costs[operation] = new Cost(Math.Round(clock.Elapsed.TotalSeconds, 2),
                PerImage(Processor(Environment.ProcessId) - process, pngs.Length), PerImage(Processor(storageProcess) - storage, pngs.Length));
        }
        Task Each(Func<int, CancellationToken, ValueTask> body) =>
            Parallel.ForEachAsync(Enumerable.Range(0, pngs.Length), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, body);

        try
        {
            await incoming.CreateIfNotExistsAsync();
            // Warm-up, not measured: connections, and the code paths of each request.
            foreach (var i in Enumerable.Range(0, Concurrency))
            {
                var warm = incoming.GetBlobClient($"warm/{i}.png");
                await warm.UploadAsync(BinaryData.FromBytes(pngs[i % pngs.Length]));
                await warm.DownloadContentAsync();
                await warm.SetMetadataAsync(new Dictionary<string, string> { [ImageLabeler.CheckpointMetadata] = "x" });
                await warm.DeleteAsync();
            }
            var etags = new Azure.ETag[pngs.Length];
            await Measure("upload", () => Each(async (i, ct) =>
                etags[i] = (await incoming.GetBlobClient(names[i]).UploadAsync(BinaryData.FromBytes(pngs[i]), ct)).Value.ETag));
            await Measure("download", () => Each(async (i, ct) =>
            {
                var download = (await incoming.GetBlobClient(names[i]).DownloadStreamingAsync(cancellationToken: ct)).Value;
                await using var content = download.Content;
                await content.CopyToAsync(Stream.Null, ct);
            }));
            // As the labeller marks: only the version that was read.
            await Measure("mark", () => Each(async (i, ct) =>
                await incoming.GetBlobClient(names[i]).SetMetadataAsync(new Dictionary<string, string> { [ImageLabeler.CheckpointMetadata] = ContentAddress.Of(pngs[i]).Hex },
                    new BlobRequestConditions { IfMatch = etags[i] }, ct)));
            // Listed as the sweep lists, once the blobs carry their marks.
            await Measure("list", async () =>
            {
                await foreach (var _ in incoming.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix: null, CancellationToken.None)) { }
            });
            await Measure("list-names", async () =>
            {
                await foreach (var _ in incoming.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: null, CancellationToken.None)) { }
            });
            var now = DateTimeOffset.UtcNow;
            var records = pngs.Select((png, i) => new LabelRecord
            {
                Content = ContentAddress.Of(png),
                BlobNames = [names[i]],
                Status = LabelStatus.Labelled,
                LabelledAt = now,
                ModelVersion = "cost",
                Prediction = new Prediction(0, "T-shirt/top", 0.9f, 0.8f, 0.3f, [0.9f, 0.1f, 0, 0, 0, 0, 0, 0, 0, 0]),
                Width = 28,
                Height = 28,
            }).ToArray();
            await Measure("rows", async () =>
            {
                foreach (var batch in records.Chunk(256)) await labels.RecordAsync(batch); // the sweep's batch
            });
            await Measure("count", async () => await labels.CountAsync());
            return new
            {
                benchmark = "storage",
                images = pngs.Length,
                concurrency = Concurrency,
                labelPartitions = layout.LabelPartitions,
                operations = costs,
            };
        }
        finally
        {
            await incoming.DeleteIfExistsAsync();
            await account.Tables.DeleteTableAsync(layout.Labels);
        }
    }

    /// <summary>One operation over every image: wall seconds, and CPU milliseconds per image here and in the emulator.</summary>
    private sealed record Cost(double Seconds, double ClientCpuMsPerImage, double StorageCpuMsPerImage);

    private static double PerImage(double seconds, int images) => Math.Round(seconds * 1000 / images, 3);

    private static double Processor(int processId)
    {
        using var process = Process.GetProcessById(processId);
        return process.TotalProcessorTime.TotalSeconds;
    }
}
