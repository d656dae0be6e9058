using System.Diagnostics;
using Azure.AI.Inference;
using Microsoft.ML.OnnxRuntime;
using SelfTrain.Core.Embeddings;
using SelfTrain.Inference;
using SelfTrain.Workflow.Round.Steps;

namespace SelfTrain.Benchmarks;

/// <summary>
/// Image embeddings through the real <see cref="ImageEmbeddingsClient"/> and a running local host's
/// <c>/api/inference</c> route, against raw ONNX Runtime fetching the embedding output of the same decoded tensors and
/// the serving engine in this process (decode, preprocess, run), in alternating blocks of batches. Then the embedding
/// view's own cost: judging 20,000 and 58,000 pool embeddings against 2,000 gold ones of the model's dimensions, and
/// the outlier floor over those gold ones; and label propagation (k-NN graph and diffusion) over 2,000 gold and 20,000 or
/// 58,000 pool embeddings.
/// </summary>
internal static class EmbeddingsBenchmark
{
    public static async Task<object> RunAsync(BenchModel model, string url, string storage, int batches, int batchSize, int threads)
    {
        var embedding = model.Manifest.Embedding ?? throw new ArgumentException($"{model.Manifest.Version} names no embedding output; train model A again.");
        await PredictBenchmark.RegisterChampionAsync(model, storage);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        await PredictBenchmark.WaitForChampionAsync(http, model.Manifest.Version);
        var client = EmbeddingsClientFactory.ForOwnHost(new Uri(new Uri(url), "/api/inference"));

        var pngs = BenchModel.Pngs(batchSize * 8);
        var tensor = model.Preprocess(pngs);
        using var session = model.RawSession(new InferenceOptions { IntraOpThreads = threads });
        using var run = new RunOptions();
        using var classifier = OnnxClassifier.Load(model.Onnx, model.Manifest, new InferenceOptions { IntraOpThreads = threads });
        var inputs = pngs.Chunk(batchSize).Select(chunk => chunk.Select(png => new ImageEmbeddingInput($"data:image/png;base64,{Convert.ToBase64String(png)}")).ToList()).ToArray();
        var groups = pngs.Length / batchSize;

        double raw = 0, engine = 0, viaClient = 0;
        async Task Once(int b, bool timed)
        {
            var first = b % groups * batchSize;
            var began = Stopwatch.GetTimestamp();
            model.RunRaw(session, run, tensor, first, batchSize, embedding.TensorName);
            var rawSeconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
            began = Stopwatch.GetTimestamp();
            ImageEmbedder.Embed(classifier, pngs[first..(first + batchSize)], ImageLimits.Default);
            var engineSeconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
            began = Stopwatch.GetTimestamp();
            var answer = (await client.EmbedAsync(new ImageEmbeddingsOptions(inputs[b % groups]))).Value;
            var clientSeconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
            if (answer.Data.Count != batchSize) throw new InvalidOperationException($"{answer.Data.Count} embeddings for {batchSize} images.");
            if (!timed) return;
            raw += rawSeconds;
            engine += engineSeconds;
            viaClient += clientSeconds;
        }
        for (var b = 0; b < 5; b++) await Once(b, timed: false);
        for (var b = 0; b < batches; b++) await Once(b, timed: true);
        var images = (double)batches * batchSize;

        var random = new Random(7);
        EmbeddingSet Random(int count) => new("bench", embedding.Dimensions, [.. Enumerable.Range(0, count).Select(i => $"{i}")],
            [.. Enumerable.Range(0, count * embedding.Dimensions).Select(_ => random.NextSingle())]);
        var gold = new NeighbourIndex(Random(2000));
        var clock = Stopwatch.StartNew();
        var floor = EmbeddingView.OutlierSimilarity(gold, 99);
        var floorSeconds = clock.Elapsed.TotalSeconds;
        var view = new EmbeddingView(gold, gold, 0.99, floor);
        double Judge(int count)
        {
            var pool = Random(count);
            var watch = Stopwatch.StartNew();
            Parallel.For(0, count, row => view.Judge(pool[row]));
            return Math.Round(watch.Elapsed.TotalSeconds, 2);
        }

        // Label propagation over gold and pool: the exact k-NN graph, then the diffusion, at the demo's sizes.
        double Propagate(int count)
        {
            var set = Random(count);
            var seeds = new float[count * 10];
            for (var row = 0; row < count; row++) seeds[row * 10 + row % 10] = 1;
            var watch = Stopwatch.StartNew();
            new LabelPropagation().Propagate(NeighbourGraph.Build(set, 10), seeds, 10);
            return Math.Round(watch.Elapsed.TotalSeconds, 1);
        }

        return new
        {
            benchmark = "embeddings",
            model = model.Manifest.Version,
            dimensions = embedding.Dimensions,
            images,
            batchSize,
            clientImagesPerSecond = Math.Round(images / viaClient, 1),
            engineImagesPerSecond = Math.Round(images / engine, 1),
            rawImagesPerSecond = Math.Round(images / raw, 1),
            clientOverRaw = Math.Round(raw / viaClient, 3),
            engineOverRaw = Math.Round(raw / engine, 3),
            viewGoldImages = gold.Count,
            viewFloorSeconds = Math.Round(floorSeconds, 2),
            viewSeconds20000 = Judge(20_000),
            viewSeconds58000 = Judge(58_000),
            propagationSeconds22000 = Propagate(22_000),
            propagationSeconds60000 = Propagate(60_000),
        };
    }
}
