using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using SelfTrain.Core;
using SelfTrain.Core.Data;
using SelfTrain.Core.Labels;
using SelfTrain.Inference;
using SelfTrain.Storage;

namespace SelfTrain.Benchmarks;

/// <summary>
/// A round's fan-out at scale on the running local host. With no pool rows, every label partition's shard step runs
/// and finds nothing, so the time from <c>POST /api/rounds</c> to the training phase is the orchestration's own cost
/// over that many partitions (plan, shard groups, gold shard, submission). With <c>--rows N</c>, N distinct small
/// images are first uploaded to <c>incoming/</c> and their label rows written as the champion's, so the shard steps
/// read, download and write them all (a naive round: every row is used). Reports the time, the host's peak resident
/// memory and the seeding's time; the round is terminated once it waits for its trainer.
/// </summary>
internal static class FanOutBenchmark
{
    private const int GoldPerSplit = 200;

    public static async Task<object> RunAsync(BenchModel model, string url, string storage, int hostProcess, int partitions, int rows)
    {
        await PredictBenchmark.RegisterChampionAsync(model, storage);
        // A local emulator saturated by the fan-out can hold a request past HttpClient's default 100 s: slowness to wait
        // out, not a failed round. Status polls have their own, shorter deadline (StatusTimeout) and are read again.
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(10) };
        await PredictBenchmark.WaitForChampionAsync(http, model.Manifest.Version);
        var gold = new GoldStore(StorageAccount.FromConnectionString(storage), new StorageLayout());
        await gold.SetClassesAsync(FashionMnist.ClassNames);
        var train = FashionMnist.LoadTrain();
        await Parallel.ForEachAsync(Enumerable.Range(0, 2 * GoldPerSplit), async (i, ct) =>
            await gold.UploadAsync(i < GoldPerSplit ? GoldSplit.Train : GoldSplit.Validation, train.Labels[i], $"{i:D5}.png",
                BinaryData.FromBytes(PngEncoder.EncodeGray(train.Image(i), train.Width, train.Height)), ct));

        var seeding = Stopwatch.StartNew();
        if (rows > 0) await SeedPoolAsync(model, StorageAccount.FromConnectionString(storage), new StorageLayout { LabelPartitions = partitions }, rows, train);
        var seedSeconds = seeding.Elapsed.TotalSeconds;

        await using var memory = new ResidentMemory(hostProcess);
        var clock = Stopwatch.StartNew();
        using var started = await http.PostAsJsonAsync("/api/rounds", new { recipe = "naive", trainingTimeout = "00:10:00" });
        if (!started.IsSuccessStatusCode) throw new InvalidOperationException($"POST /api/rounds: {(int)started.StatusCode} {await started.Content.ReadAsStringAsync()}");
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        JsonElement round;
        while (true)
        {
            if (await StatusAsync(http, id) is not { } read)
            {
                if (clock.Elapsed > TimeSpan.FromHours(1)) throw new TimeoutException("No training phase after an hour; the last status read timed out.");
                continue;
            }
            round = read;
            var status = round.GetProperty("status").GetString();
            if (status is "Failed" or "Terminated" or "Completed") throw new InvalidOperationException($"The round ended before training: {round}");
            if (round.TryGetProperty("customStatus", out var progress) && progress.ValueKind == JsonValueKind.Object
                && progress.GetProperty("phase").GetString() == "train") break;
            if (clock.Elapsed > TimeSpan.FromHours(1)) throw new TimeoutException($"No training phase after an hour: {round}");
            await Task.Delay(250);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        using var stop = await http.PostAsync($"/api/rounds/{id}/terminate?reason=benchmark%20done", null);
        await memory.DisposeAsync();
        return new
        {
            benchmark = "fanout",
            partitions,
            poolRows = rows,
            seedSeconds = Math.Round(seedSeconds, 1),
            secondsToTraining = Math.Round(seconds, 1),
            hostBaselineMegabytes = ResidentMemory.Megabytes(memory.Baseline),
            hostPeakMegabytes = ResidentMemory.Megabytes(memory.Peak),
            progress = round.GetProperty("customStatus"),
        };
    }

    private static readonly TimeSpan StatusTimeout = TimeSpan.FromMinutes(5);

    /// <returns>The round's status, or null when the host did not answer within <see cref="StatusTimeout"/>.</returns>
    private static async Task<JsonElement?> StatusAsync(HttpClient http, string id)
    {
        using var deadline = new CancellationTokenSource(StatusTimeout);
        try
        {
            return await http.GetFromJsonAsync<JsonElement>($"/api/rounds/{id}", deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Distinct images (a Fashion-MNIST image with its index written into its first pixels) and their rows.</summary>
    private static async Task SeedPoolAsync(BenchModel model, StorageAccount account, StorageLayout layout, int rows, LabelledImages train)
    {
        var incoming = account.Blobs.GetBlobContainerClient(layout.Incoming);
        await incoming.CreateIfNotExistsAsync();
        var labels = new LabelStore(account, layout);
        var classes = model.Manifest.Classes;
        foreach (var chunk in Enumerable.Range(0, rows).Chunk(2_000))
        {
            var records = new LabelRecord[chunk.Length];
            await Parallel.ForEachAsync(Enumerable.Range(0, chunk.Length), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (k, ct) =>
            {
                var i = chunk[k];
                var pixels = train.Image(i % train.Count).ToArray();
                BitConverter.TryWriteBytes(pixels.AsSpan(0, 4), i);
                var png = PngEncoder.EncodeGray(pixels, train.Width, train.Height);
                var name = $"pool/{i:D7}.png";
                await incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(png), ct);
                var probabilities = Enumerable.Repeat(0.01f, classes.Count).ToArray();
                probabilities[train.Labels[i % train.Count]] = 1f - 0.01f * (classes.Count - 1);
                records[k] = new LabelRecord
                {
                    Content = ContentAddress.Of(png), BlobNames = [name], Status = LabelStatus.Labelled, LabelledAt = DateTimeOffset.UtcNow,
                    ModelVersion = model.Manifest.Version, Prediction = Prediction.FromProbabilities(probabilities, classes),
                    Width = train.Width, Height = train.Height,
                };
            });
            await labels.RecordAsync(records);
        }
    }
}
