using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using SelfTrain.Core;
using SelfTrain.Core.Labels;
using SelfTrain.Inference;
using SelfTrain.Serving;
using SelfTrain.Storage;

namespace SelfTrain.Benchmarks;

/// <summary>
/// Labelling throughput: the engine (decode + preprocess + batched inference, from PNG bytes) against raw ONNX
/// Runtime on the same already-decoded tensors with the same batch size and session options; then the whole path
/// on Azurite (blobs in incoming/ → sweep → label rows), with the CPU time of this process and of the emulator.
/// </summary>
internal static class LabelingBenchmark
{
    public static async Task<object> RunAsync(BenchModel model, int images, int batch, bool spinning, string? storage, int? storageProcess)
    {
        var pngs = BenchModel.Pngs(images);
        var options = new InferenceOptions { MaxBatchSize = batch, AllowSpinning = spinning };
        using var classifier = OnnxClassifier.Load(model.Onnx, model.Manifest, options);

        var tensor = model.Preprocess(pngs);
        using var session = model.RawSession(options);
        using var run = new RunOptions();
        model.RunRaw(session, run, tensor, 0, Math.Min(batch, pngs.Length)); // warm-up
        var raw = Stopwatch.StartNew();
        for (var first = 0; first < pngs.Length; first += batch)
            model.RunRaw(session, run, tensor, first, Math.Min(batch, pngs.Length - first));
        var rawSeconds = raw.Elapsed.TotalSeconds;

        ImageClassifier.Classify(classifier, pngs.Take(batch).ToArray(), ImageLimits.Default); // warm-up
        var engineCpu = ProcessorSeconds(Environment.ProcessId);
        var engine = Stopwatch.StartNew();
        foreach (var chunk in pngs.Chunk(batch))
            ImageClassifier.Classify(classifier, chunk, ImageLimits.Default);
        var engineSeconds = engine.Elapsed.TotalSeconds;
        engineCpu = ProcessorSeconds(Environment.ProcessId) - engineCpu;

        // Where the engine's time goes beyond the model: decoding and preprocessing, each on one thread.
        var input = model.Manifest.Input;
        var sample = new float[ImagePreprocessor.SampleLength(input)];
        // A few decoded bitmaps, reused: each holds a share of the process's decode budget.
        var decoded = pngs.Take(batch).Select(png => ImageDecoder.Decode(png, ImageLimits.Default, input.Width, input.Height)).ToArray();
        var decode = Stopwatch.StartNew();
        foreach (var png in pngs) ImageDecoder.Decode(png, ImageLimits.Default, input.Width, input.Height).Dispose();
        var decodeSeconds = decode.Elapsed.TotalSeconds;
        var preprocess = Stopwatch.StartNew();
        for (var i = 0; i < pngs.Length; i++) ImagePreprocessor.Write(decoded[i % decoded.Length], input, sample);
        var preprocessSeconds = preprocess.Elapsed.TotalSeconds;
        foreach (var bitmap in decoded) bitmap.Dispose();

        var endToEnd = storage is null ? null : await EndToEndAsync(model, pngs, options, storage, storageProcess);
        return new
        {
            benchmark = "labeling",
            model = model.Manifest.Version,
            inputSize = $"{model.Manifest.Input.Width}x{model.Manifest.Input.Height}",
            images = pngs.Length,
            batch,
            spinning,
            imagesPerSecond = Math.Round(pngs.Length / engineSeconds, 1),
            rawImagesPerSecond = Math.Round(pngs.Length / rawSeconds, 1),
            ratio = Math.Round(rawSeconds / engineSeconds, 3),
            decodeMicrosecondsPerImage = Math.Round(decodeSeconds * 1e6 / pngs.Length, 1),
            preprocessMicrosecondsPerImage = Math.Round(preprocessSeconds * 1e6 / pngs.Length, 1),
            rawMicrosecondsPerImage = Math.Round(rawSeconds * 1e6 / pngs.Length, 1),
            endToEndImagesPerSecond = endToEnd is null ? (double?)null : Math.Round(pngs.Length / endToEnd.Seconds, 1),
            endToEndRatio = endToEnd is null ? (double?)null : Math.Round(engineSeconds / endToEnd.Seconds, 3),
            // Where the time goes, in CPU seconds per 1,000 images: the engine alone, then the whole path's own
            // process and the storage emulator beside it.
            engineCpuSecondsPer1000 = PerThousand(engineCpu, pngs.Length),
            endToEndCpuSecondsPer1000 = endToEnd is null ? null : PerThousand(endToEnd.ProcessCpu, pngs.Length),
            storageCpuSecondsPer1000 = endToEnd?.StorageCpu is { } storageCpu ? PerThousand(storageCpu, pngs.Length) : null,
        };
    }

    private sealed record EndToEnd(double Seconds, double ProcessCpu, double? StorageCpu);

    private static double? PerThousand(double seconds, int images) => Math.Round(seconds * 1000 / images, 2);

    /// <summary>CPU time a process has used so far (user and system).</summary>
    private static double ProcessorSeconds(int processId)
    {
        using var process = Process.GetProcessById(processId);
        return process.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>From "all blobs uploaded" to "all rows written", through the local host's sweep: seconds and CPU time.</summary>
    private static async Task<EndToEnd> EndToEndAsync(BenchModel model, byte[][] pngs, InferenceOptions inference, string connectionString, int? storageProcess)
    {
        var account = StorageAccount.FromConnectionString(connectionString);
        var layout = new StorageLayout { Prefix = "bench" + Guid.NewGuid().ToString("N")[..8] };
        var incoming = account.Blobs.GetBlobContainerClient(layout.Incoming);
        try
        {
            await incoming.CreateIfNotExistsAsync();
            await Parallel.ForEachAsync(Enumerable.Range(0, pngs.Length), new ParallelOptions { MaxDegreeOfParallelism = 16 },
                async (i, ct) => await incoming.GetBlobClient($"bench/{i:D6}.png").UploadAsync(BinaryData.FromBytes(pngs[i]), ct));

            var models = new ModelStore(account, layout);
            await models.SaveAsync(model.Onnx, model.Manifest);
            await models.TrySetChampionAsync(model.Manifest.Version, "benchmark", null);
            using var served = new ServedModel();
            var serving = new ServingOptions();
            await new ChampionLoader(models, served, inference, NullLogger<ChampionLoader>.Instance).RefreshAsync();
            var labels = new LabelStore(account, layout);
            var labeler = new ImageLabeler(account, layout, labels, served, serving, TimeProvider.System, NullLogger<ImageLabeler>.Instance);
            var sweeper = new IncomingSweeper(account, layout, labeler, serving, TimeProvider.System, NullLogger<IncomingSweeper>.Instance);

            var (processCpu, storageCpu) = (ProcessorSeconds(Environment.ProcessId), storageProcess is { } pid ? ProcessorSeconds(pid) : (double?)null);
            var clock = Stopwatch.StartNew();
            var handled = 0;
            while (handled < pngs.Length) handled += await sweeper.SweepAsync(TimeSpan.Zero);
            var seconds = clock.Elapsed.TotalSeconds;
            processCpu = ProcessorSeconds(Environment.ProcessId) - processCpu;
            storageCpu = storageProcess is { } id ? ProcessorSeconds(id) - storageCpu : null;

            var rows = await labels.ReadAllAsync().CountAsync(r => r.Status == LabelStatus.Labelled);
            var distinct = pngs.Select(p => ContentAddress.Of(p)).Distinct().Count(); // a data set may repeat an image
            if (rows != distinct) throw new InvalidOperationException($"{rows} rows for {distinct} distinct images.");
            return new EndToEnd(seconds, processCpu, storageCpu);
        }
        finally
        {
            foreach (var container in new[] { layout.Incoming, layout.Models, layout.Quarantine })
                await account.Blobs.GetBlobContainerClient(container).DeleteIfExistsAsync();
            await account.Tables.DeleteTableAsync(layout.Labels);
        }
    }
}
