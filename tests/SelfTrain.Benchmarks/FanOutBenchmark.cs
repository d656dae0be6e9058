using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using SelfTrain.Core.Data;
using SelfTrain.Inference;
using SelfTrain.Storage;

namespace SelfTrain.Benchmarks;

/// <summary>
/// A round's fan-out at scale on the running local host: with no pool rows, every label partition's shard step
/// runs and finds nothing, so the time from <c>POST /api/rounds</c> to the training phase is the orchestration's own
/// cost over that many partitions (plan, shard groups, gold shard, submission). Reports that time and the host's
/// peak resident memory; the round is terminated once it waits for its trainer.
/// </summary>
internal static class FanOutBenchmark
{
    private const int GoldPerSplit = 200;

    public static async Task<object> RunAsync(BenchModel model, string url, string storage, int hostProcess, int partitions)
    {
        await PredictBenchmark.RegisterChampionAsync(model, storage);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        await PredictBenchmark.WaitForChampionAsync(http, model.Manifest.Version);
        var gold = new GoldStore(StorageAccount.FromConnectionString(storage), new StorageLayout());
        await gold.SetClassesAsync(FashionMnist.ClassNames);
        var train = FashionMnist.LoadTrain();
        await Parallel.ForEachAsync(Enumerable.Range(0, 2 * GoldPerSplit), async (i, ct) =>
            await gold.UploadAsync(i < GoldPerSplit ? GoldSplit.Train : GoldSplit.Validation, train.Labels[i], $"{i:D5}.png",
                BinaryData.FromBytes(PngEncoder.EncodeGray(train.Image(i), train.Width, train.Height)), ct));

        await using var memory = new ResidentMemory(hostProcess);
        var clock = Stopwatch.StartNew();
        using var started = await http.PostAsJsonAsync("/api/rounds", new { recipe = "naive", trainingTimeout = "00:10:00" });
        if (!started.IsSuccessStatusCode) throw new InvalidOperationException($"POST /api/rounds: {(int)started.StatusCode} {await started.Content.ReadAsStringAsync()}");
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        JsonElement round;
        while (true)
        {
            round = await http.GetFromJsonAsync<JsonElement>($"/api/rounds/{id}");
            var status = round.GetProperty("status").GetString();
            if (status is "Failed" or "Terminated" or "Completed") throw new InvalidOperationException($"The round ended before training: {round}");
            if (round.TryGetProperty("customStatus", out var progress) && progress.ValueKind == JsonValueKind.Object
                && progress.GetProperty("phase").GetString() == "train") break;
            if (clock.Elapsed > TimeSpan.FromMinutes(20)) throw new TimeoutException($"No training phase after 20 minutes: {round}");
            await Task.Delay(250);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        using var stop = await http.PostAsync($"/api/rounds/{id}/terminate?reason=benchmark%20done", null);
        await memory.DisposeAsync();
        return new
        {
            benchmark = "fanout",
            partitions,
            poolRows = 0,
            secondsToTraining = Math.Round(seconds, 1),
            hostBaselineMegabytes = ResidentMemory.Megabytes(memory.Baseline),
            hostPeakMegabytes = ResidentMemory.Megabytes(memory.Peak),
            progress = round.GetProperty("customStatus"),
        };
    }
}
