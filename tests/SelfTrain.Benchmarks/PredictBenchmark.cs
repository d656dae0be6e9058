using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.ML.OnnxRuntime;
using SelfTrain.Inference;
using SelfTrain.Storage;

namespace SelfTrain.Benchmarks;

/// <summary>
/// <c>POST /api/predict</c> over loopback against a running local host: latency (one client at a time, so the
/// number is the service's own cost, not queueing) and throughput (several concurrent clients), compared with a
/// single-image raw ONNX Runtime run on the already-decoded tensor in the same process, interleaved with the requests.
/// </summary>
internal static class PredictBenchmark
{
    private const int Block = 100;

    public static async Task<object> RunAsync(BenchModel model, string url, string storage, int requests, int clients, int threads)
    {
        await RegisterChampionAsync(model, storage);
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        await WaitForChampionAsync(http, model.Manifest.Version);

        var pngs = BenchModel.Pngs(256);
        var tensor = model.Preprocess(pngs);
        using var session = model.RawSession(new InferenceOptions { IntraOpThreads = threads });
        using var run = new RunOptions();
        using var classifier = OnnxClassifier.Load(model.Onnx, model.Manifest, new InferenceOptions { IntraOpThreads = threads });

        // Raw runs and requests alternate in blocks, so both see the same machine: a drift between two long phases
        // (another process, the CPU's clock) would otherwise read as overhead.
        for (var i = 0; i < 50; i++)
        {
            model.RunRaw(session, run, tensor, i % pngs.Length, 1);
            ImageClassifier.Classify(classifier, [pngs[i % pngs.Length]], ImageLimits.Default);
            await PostAsync(http, pngs[i % pngs.Length]);
        }
        var raw = new double[requests];
        var engine = new double[requests];
        var latencies = new double[requests];
        for (var start = 0; start < requests; start += Block)
        {
            for (var i = start; i < Math.Min(start + Block, requests); i++)
            {
                var began = Stopwatch.GetTimestamp();
                model.RunRaw(session, run, tensor, i % pngs.Length, 1);
                raw[i] = Stopwatch.GetElapsedTime(began).TotalMilliseconds;
            }
            // The serving engine alone, in this process: PNG decode, preprocessing and inference, no HTTP.
            for (var i = start; i < Math.Min(start + Block, requests); i++)
            {
                var began = Stopwatch.GetTimestamp();
                ImageClassifier.Classify(classifier, [pngs[i % pngs.Length]], ImageLimits.Default);
                engine[i] = Stopwatch.GetElapsedTime(began).TotalMilliseconds;
            }
            for (var i = start; i < Math.Min(start + Block, requests); i++)
            {
                var began = Stopwatch.GetTimestamp();
                await PostAsync(http, pngs[i % pngs.Length]);
                latencies[i] = Stopwatch.GetElapsedTime(began).TotalMilliseconds;
            }
        }
        Array.Sort(raw);
        Array.Sort(engine);
        Array.Sort(latencies);
        var rawP50 = Percentile(raw, 0.5);
        var engineP50 = Percentile(engine, 0.5);

        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests) await PostAsync(http, pngs[i % pngs.Length]);
        })));
        var seconds = clock.Elapsed.TotalSeconds;

        return new
        {
            benchmark = "predict",
            model = model.Manifest.Version,
            requests,
            clients,
            p50Ms = Math.Round(Percentile(latencies, 0.50), 3),
            p99Ms = Math.Round(Percentile(latencies, 0.99), 3),
            requestsPerSecond = Math.Round(requests / seconds, 1),
            rawP50Ms = Math.Round(rawP50, 3),
            overheadP50Ms = Math.Round(Percentile(latencies, 0.50) - rawP50, 3),
            // Where the overhead goes, as differences of medians: decoding and preprocessing (engine minus raw), and HTTP
            // with the host (the rest).
            engineP50Ms = Math.Round(engineP50, 3),
            decodeP50Ms = Math.Round(engineP50 - rawP50, 3),
            httpP50Ms = Math.Round(Percentile(latencies, 0.50) - engineP50, 3),
        };
    }

    internal static async Task PostAsync(HttpClient http, byte[] png)
    {
        using var content = new ByteArrayContent(png);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var response = await http.PostAsync("/api/predict", content);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"predict answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static double Percentile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

    internal static async Task RegisterChampionAsync(BenchModel model, string storage)
    {
        var models = new ModelStore(StorageAccount.FromConnectionString(storage), new StorageLayout());
        await models.SaveAsync(model.Onnx, model.Manifest);
        var current = await models.GetChampionAsync();
        if (current?.Pointer.Version != model.Manifest.Version)
            await models.TrySetChampionAsync(model.Manifest.Version, "benchmark", current);
    }

    internal static async Task WaitForChampionAsync(HttpClient http, string version)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await http.GetStringAsync("/api/health")).Contains($"\"champion\":\"{version}\"")) return;
            }
            catch (HttpRequestException) { } // still starting
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The host did not serve {version} within 60 s.");
            await Task.Delay(200);
        }
    }
}
