using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SelfTrain.Core.Data;
using SelfTrain.Core.Labels;
using SelfTrain.Core.Training;
using SelfTrain.Inference;
using SelfTrain.Storage;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

/// <summary>
/// A whole self-training round on Azurite through the real paths: gold data and a weak champion, production images
/// labelled by the host's watcher, <c>POST /api/rounds</c> on the real Durable Task engine, the real trainer in its
/// own process, validation, the gate and the promotion.
/// </summary>
public sealed class RoundTests
{
    private const int GoldTrain = RoundScenario.GoldTrain, Validation = RoundScenario.Validation, Pool = RoundScenario.Pool,
        ChampionImages = RoundScenario.ChampionImages;

    [Fact]
    public async Task A_round_trains_validates_and_promotes_a_better_student_and_ignores_forged_training_results()
    {
        await using var fixture = await HostFixture.CreateAsync();
        var client = fixture.Factory.CreateClient();
        await RoundScenario.SeedAsync(fixture, client);

        using var started = await client.PostAsJsonAsync("/api/rounds", new
        {
            epochs = 15, batchSize = 64, targetPrecision = 0.8, trainingTimeout = "00:05:00", partitionsPerGroup = 3,
        });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var links = await started.Content.ReadFromJsonAsync<JsonElement>();
        var id = links.GetProperty("id").GetString()!;
        var status = links.GetProperty("statusQueryGetUri").GetString()!;
        Assert.Equal(status, started.Headers.Location!.ToString());
        Assert.EndsWith($"/api/rounds/{id}", status);

        // Attack: while the round waits for its trainer, results it did not ask for arrive on training-results — one
        // naming an existing model instead of the job's candidate, one naming the job's version before any such model
        // exists. Both are ignored; the round goes on to take the real trainer's result.
        Assert.Equal("train", await WaitForPhaseAsync(fixture, id, "train"));
        var results = fixture.Scope.Account.Queues.GetQueueClient(fixture.Scope.Layout.TrainingResults);
        var job = $"{id}-r1-a1";
        var champion = (await fixture.Models.GetManifestAsync("champion-a")).Sha256;
        await results.SendMessageAsync(TrainingMessageJson.Serialize(new TrainingResultMessage(job, TrainingOutcome.Succeeded, "champion-a", null, 1, id, champion)));
        await results.SendMessageAsync(TrainingMessageJson.Serialize(new TrainingResultMessage(job, TrainingOutcome.Succeeded, $"student-{id}-r1a1", null, 1, id, new string('0', 64))));
        await Eventually.HoldsAsync(async () => (await results.PeekMessagesAsync()).Value.Length == 0, TimeSpan.FromSeconds(30), "forged results routed");

        using var trainer = new TrainerProcess(fixture.Scope.Layout.Prefix);
        JsonElement body = default;
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await client.GetAsync(status);
            body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}\n{trainer.Output}");
            Assert.DoesNotContain(body.GetProperty("status").GetString(), new[] { "Failed", "Terminated" });
            return body.GetProperty("status").GetString() == "Completed";
        }, TimeSpan.FromMinutes(4), "round completed", () => $"{body}\n{trainer.Output}");

        // Orchestration payloads use the Durable Task engine's own JSON (PascalCase), as in Durable Functions.
        Assert.Equal("done", body.GetProperty("customStatus").GetProperty("phase").GetString());
        var result = body.GetProperty("result");

        // Plan: the champion taught. Calibrate: a threshold per class.
        Assert.Equal("champion-a", result.GetProperty("teacher").GetString());
        Assert.Equal(10, result.GetProperty("thresholds").GetArrayLength());
        // Shards: every labelled pool image is either accepted or below its threshold; all gold went in.
        var pool = result.GetProperty("pool");
        Assert.Equal(Pool, pool.GetProperty("accepted").GetInt32() + pool.GetProperty("belowThreshold").GetInt32() + pool.GetProperty("unusable").GetInt32());
        Assert.Equal(0, pool.GetProperty("unusable").GetInt32());
        Assert.True(pool.GetProperty("accepted").GetInt32() > 0, pool.ToString());
        Assert.Equal(GoldTrain, result.GetProperty("goldImages").GetInt32());
        // Train: one attempt gave the job's own candidate, stored with its lineage; both forgeries were ignored.
        Assert.Equal(1, result.GetProperty("trainingAttempts").GetInt32());
        var candidate = result.GetProperty("candidate").GetString()!;
        Assert.Equal($"student-{id}-r1a1", candidate);
        var ignored = result.GetProperty("ignoredTrainingResults").EnumerateArray().Select(r => r.GetString()!).ToArray();
        Assert.Equal(2, ignored.Length);
        Assert.Contains("it names candidate champion-a", ignored[0]);
        Assert.Contains("does not exist", ignored[1]);
        var manifest = await fixture.Models.GetManifestAsync(candidate);
        Assert.Equal("champion-a", manifest.Lineage!.Teacher);
        Assert.Equal("noisy-student", manifest.Lineage.Recipe);
        // Validate and gate: both judged on the validation images; the student is better, significantly.
        var validation = result.GetProperty("validation");
        Assert.Equal(Validation, validation.GetProperty("champion").GetProperty("images").GetInt32());
        var gain = validation.GetProperty("candidate").GetProperty("accuracy").GetDouble() - validation.GetProperty("champion").GetProperty("accuracy").GetDouble();
        Assert.True(gain > 0.03, $"gain {gain}: {validation}");
        Assert.True(validation.GetProperty("decision").GetProperty("pValue").GetDouble() < 0.05, validation.GetProperty("decision").ToString());
        // Promote: the pointer moved, the report sits beside the model, and the host serves the student.
        Assert.True(result.GetProperty("promoted").GetBoolean(), result.ToString());
        Assert.Equal(candidate, (await fixture.Models.GetChampionAsync())!.Pointer.Version);
        var runs = fixture.Scope.Account.Blobs.GetBlobContainerClient(fixture.Scope.Layout.Runs);
        foreach (var file in new[] { "round-report.json", "report.md", "recall.png", "confusion.png", "pseudo-labels.png", "reliability.png", "timings.png" })
            Assert.True(await runs.GetBlobClient($"{id}-r1/{file}").ExistsAsync(), file);
        await fixture.WaitForChampionAsync(client, candidate);
        var history = await fixture.Factory.Services.GetRequiredService<ModelRegistry>().HistoryAsync();
        Assert.Equal((candidate, ChampionChangeKind.Promoted), (history[0].Version, history[0].Kind));
        foreach (var phase in new[] { "plan", "calibrate", "shards", "train", "validate", "promote" })
            Assert.True(result.GetProperty("phaseSeconds").TryGetProperty(phase, out _), phase);

        using var view = await client.GetAsync($"/runtime/webhooks/durabletask/instances/{id}");
        Assert.Equal("Completed", (await view.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runtimeStatus").GetString());
    }

    [Fact]
    public async Task The_gate_keeps_the_champion_when_the_candidate_is_worse()
    {
        await using var fixture = await HostFixture.CreateAsync();
        var client = fixture.Factory.CreateClient();
        await RoundScenario.SeedAsync(fixture, client);

        // Trained to be worse: one epoch of batches as large as the data, so the student takes a couple of steps
        // from its random start, against a champion right on about half the validation images.
        var result = await RoundScenario.CompleteRoundAsync(fixture, client, new { epochs = 1, batchSize = 4096, trainingTimeout = "00:05:00" });

        var decision = result.GetProperty("validation").GetProperty("decision");
        Assert.True(decision.GetProperty("accuracyGain").GetDouble() < 0, decision.ToString());
        Assert.False(result.GetProperty("promoted").GetBoolean(), result.ToString());
        Assert.Contains(result.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.Contains("accuracy", StringComparison.Ordinal));
        // The champion serves on, the refusal is in its history, and the candidate never reached models/.
        Assert.Equal("champion-a", (await fixture.Models.GetChampionAsync())!.Pointer.Version);
        var history = await fixture.Registry.HistoryAsync();
        Assert.Equal((result.GetProperty("candidate").GetString(), ChampionChangeKind.Rejected), (history[0].Version, history[0].Kind));
        await Assert.ThrowsAsync<ModelNotFoundException>(() => fixture.Models.GetManifestAsync(result.GetProperty("candidate").GetString()!));
        await fixture.WaitForChampionAsync(client, "champion-a");
    }

    [Fact]
    public async Task After_a_manual_promotion_the_next_round_teaches_from_the_new_champion_on_the_whole_pool()
    {
        await using var fixture = await HostFixture.CreateAsync();
        var client = fixture.Factory.CreateClient();
        await RoundScenario.SeedAsync(fixture, client); // every pool row is champion-a's

        // An operator promotes another model by hand; the next round's teacher is it, and the rows champion-a labelled
        // are labelled again by it while the shards are built, so the round learns from the whole pool.
        var train = FashionMnist.LoadTrain();
        var manual = LinearTestModel.Centroids("manual-b", Enumerable.Range(40_000, ChampionImages).Select(i => train.Image(i).ToArray()).ToArray(),
            Enumerable.Range(40_000, ChampionImages).Select(i => (int)train.Labels[i]).ToArray(), FashionMnist.ClassNames.ToArray(), 28, 28);
        await fixture.Models.SaveAsync(manual.Onnx, manual.Manifest);
        using var promoted = await client.PostAsJsonAsync("/api/models/manual-b/promote", new { reason = "a better model A" });
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);

        using var started = await client.PostAsJsonAsync("/api/rounds", new { recipe = "naive", trainingTimeout = "00:05:00" });
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.Equal("train", await WaitForPhaseAsync(fixture, id, "train"));

        var rows = await fixture.Labels.ReadAllAsync().ToListAsync();
        Assert.Equal(Pool, rows.Count);
        Assert.All(rows, row => Assert.Equal("manual-b", row.ModelVersion));
        Assert.Equal(Pool, (await PoolShardSamplesAsync(fixture)).Count); // naive: no thresholds, every pool image in a shard
        // The dashboard shows the round while it waits for its trainer, with the phase it reported.
        var dashboard = await client.GetStringAsync("/");
        Assert.Contains(id, dashboard);
        Assert.Contains("round 1: train 1/2 — job ", dashboard);
        using var stop = await client.PostAsync($"/api/rounds/{id}/terminate?reason=test%20done", null);
        Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
    }

    [Fact]
    public async Task A_round_survives_restarts_during_the_fan_out_and_while_waiting_for_training()
    {
        await using var fixture = await HostFixture.CreateAsync();
        var client = fixture.Factory.CreateClient();
        await RoundScenario.SeedAsync(fixture, client);

        using var started = await client.PostAsJsonAsync("/api/rounds", new
        {
            epochs = 15, batchSize = 64, targetPrecision = 0.8, trainingTimeout = "00:05:00", partitionsPerGroup = 1,
        });
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        // Restart as soon as the shards are being built, and again while the round waits for the (not yet running) trainer.
        Assert.Equal("shards", await WaitForPhaseAsync(fixture, id, "shards", "train"));
        await fixture.RestartAsync();
        Assert.Equal("train", await WaitForPhaseAsync(fixture, id, "train"));
        await fixture.RestartAsync();

        using var trainer = new TrainerProcess(fixture.Scope.Layout.Prefix);
        JsonElement body = default;
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await fixture.Factory.CreateClient().GetAsync($"/runtime/webhooks/durabletask/instances/{id}");
            body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, $"{response.StatusCode}: {body}\n{trainer.Output}");
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromMinutes(4), "round completed after restarts", () => $"{body}\n{trainer.Output}");

        var result = body.GetProperty("output");
        Assert.True(result.GetProperty("promoted").GetBoolean(), result.ToString());
        Assert.Equal(1, result.GetProperty("trainingAttempts").GetInt32());
        // No label lost: every pool image still has its one row. No shard sample twice: the pool shards together hold
        // exactly the accepted images, each once.
        Assert.Equal(Pool, await fixture.Labels.ReadAllAsync().CountAsync());
        var accepted = result.GetProperty("pool").GetProperty("accepted").GetInt32();
        var samples = await PoolShardSamplesAsync(fixture);
        Assert.Equal(accepted, samples.Count);
        Assert.Equal(samples.Count, samples.Select(Convert.ToHexString).Distinct().Count());
    }

    [Fact]
    public async Task A_round_survives_the_host_process_being_killed_during_the_fan_out_and_while_waiting_for_training()
    {
        await using var fixture = await HostFixture.CreateAsync();
        await RoundScenario.SeedAsync(fixture, fixture.Factory.CreateClient());
        await fixture.Factory.DisposeAsync(); // from here on the host runs as a process that can be killed

        var layout = fixture.Scope.Layout;
        var host = new HostProcess(layout.Prefix, layout.LabelPartitions);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(host.Url) };
            await Eventually.HoldsAsync(async () => (await TryGetAsync(http, "/api/health"))?.IsSuccessStatusCode == true, TimeSpan.FromSeconds(60), "host started");
            using var started = await http.PostAsJsonAsync("/api/rounds", new
            {
                epochs = 15, batchSize = 64, targetPrecision = 0.8, trainingTimeout = "00:05:00", partitionsPerGroup = 1,
            });
            var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

            Assert.Equal("shards", await WaitForPhaseAsync(() => host.Url, id, "shards", "train"));
            host.Kill();
            host.Dispose();
            host = new HostProcess(layout.Prefix, layout.LabelPartitions);
            Assert.Equal("train", await WaitForPhaseAsync(() => host.Url, id, "train"));
            host.Kill();
            host.Dispose();
            host = new HostProcess(layout.Prefix, layout.LabelPartitions);

            using var trainer = new TrainerProcess(layout.Prefix);
            JsonElement body = default;
            await Eventually.HoldsAsync(async () =>
            {
                using var client = new HttpClient { BaseAddress = new Uri(host.Url) };
                using var response = await TryGetAsync(client, $"/runtime/webhooks/durabletask/instances/{id}");
                if (response is null) return false; // still starting
                body = await response.Content.ReadFromJsonAsync<JsonElement>();
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, $"{response.StatusCode}: {body}\n{trainer.Output}");
                return response.StatusCode == HttpStatusCode.OK;
            }, TimeSpan.FromMinutes(3), "round completed after kills", () => $"{body}\n{trainer.Output}\n{host.Output}");

            var result = body.GetProperty("output");
            Assert.True(result.GetProperty("promoted").GetBoolean(), result.ToString());
            Assert.Equal(Pool, await new LabelStore(fixture.Scope.Account, layout).ReadAllAsync().CountAsync());
            var samples = await PoolShardSamplesAsync(fixture);
            Assert.Equal(result.GetProperty("pool").GetProperty("accepted").GetInt32(), samples.Count);
            Assert.Equal(samples.Count, samples.Select(Convert.ToHexString).Distinct().Count());
        }
        finally
        {
            host.Dispose();
        }
    }

    private static async Task<HttpResponseMessage?> TryGetAsync(HttpClient client, string path)
    {
        try
        {
            return await client.GetAsync(path);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static Task<string> WaitForPhaseAsync(HostFixture fixture, string id, params string[] phases) =>
        WaitForPhaseAsync(fixture.Factory.CreateClient, id, phases);

    /// <summary>Polls the round through a fresh client each time (the host may be restarting) until it reaches one of the phases.</summary>
    private static Task<string> WaitForPhaseAsync(Func<string> url, string id, params string[] phases) =>
        WaitForPhaseAsync(() => new HttpClient { BaseAddress = new Uri(url()) }, id, phases);

    private static async Task<string> WaitForPhaseAsync(Func<HttpClient> clients, string id, params string[] phases)
    {
        var phase = "";
        await Eventually.HoldsAsync(async () =>
        {
            using var client = clients();
            using var response = await TryGetAsync(client, $"/api/rounds/{id}");
            if (response is null || !response.IsSuccessStatusCode) return false;
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            phase = body.TryGetProperty("customStatus", out var status) && status.ValueKind == JsonValueKind.Object
                ? status.GetProperty("phase").GetString() ?? "" : "";
            return phases.Contains(phase);
        }, TimeSpan.FromMinutes(2), $"phase {string.Join(" or ", phases)}");
        return phase;
    }

    private static async Task<List<byte[]>> PoolShardSamplesAsync(HostFixture fixture)
    {
        var shards = fixture.Scope.Account.Blobs.GetBlobContainerClient(fixture.Scope.Layout.Shards);
        var pixels = new List<byte[]>();
        await foreach (var blob in shards.GetBlobsAsync())
        {
            if (!blob.Name.Contains("/pool-", StringComparison.Ordinal)) continue;
            await using var stream = await shards.GetBlobClient(blob.Name).OpenReadAsync();
            var (_, samples) = await SelfTrain.Core.Shards.ShardReader.ReadAllAsync(stream, blob.Name);
            pixels.AddRange(samples.Select(s => s.Pixels));
        }
        return pixels;
    }

    [Fact]
    public async Task Unknown_rounds_and_bad_requests_get_problems()
    {
        await using var fixture = await HostFixture.CreateAsync();
        var client = fixture.Factory.CreateClient();
        using var bad = await client.PostAsJsonAsync("/api/rounds", new { recipe = "magic" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        using var unknown = await client.GetAsync("/api/rounds/nope");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var webhook = await client.GetAsync("/runtime/webhooks/durabletask/instances/nope");
        Assert.Equal(HttpStatusCode.NotFound, webhook.StatusCode);
    }

    [Fact]
    public async Task A_failed_or_terminated_round_reads_its_reason_on_both_status_routes()
    {
        await using var fixture = await HostFixture.CreateAsync();
        await fixture.Models.RegisterChampionAsync(new LinearTestModel("champion-a"));
        var client = fixture.Factory.CreateClient();

        // No gold data: the round cannot be judged, and stops at its plan with that reason.
        var failed = (await (await client.PostAsJsonAsync("/api/rounds", new { })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        JsonElement body = default;
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await client.GetAsync($"/api/rounds/{failed}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return body.GetProperty("status").GetString() == "Failed";
        }, TimeSpan.FromMinutes(2), "round failed", () => body.ToString());
        var reason = Assert.Single(body.GetProperty("reasons").EnumerateArray()).GetString()!;
        Assert.StartsWith("gold/train/ holds no image: upload gold data", reason);
        using var webhook = await client.GetAsync($"/runtime/webhooks/durabletask/instances/{failed}");
        Assert.Equal(HttpStatusCode.BadRequest, webhook.StatusCode);
        Assert.Contains("gold/train/ holds no image", (await webhook.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("output").GetString());

        var terminated = (await (await client.PostAsJsonAsync("/api/rounds", new { })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var terminate = await client.PostAsync($"/api/rounds/{terminated}/terminate?reason=wrong%20data", null);
        Assert.Equal(HttpStatusCode.Accepted, terminate.StatusCode);
        await Eventually.HoldsAsync(async () =>
        {
            body = await client.GetFromJsonAsync<JsonElement>($"/api/rounds/{terminated}");
            return body.GetProperty("status").GetString() is "Terminated" or "Failed";
        }, TimeSpan.FromMinutes(1), "round terminated", () => body.ToString());
        Assert.Equal("Terminated", body.GetProperty("status").GetString());
        Assert.Equal(["terminated: wrong data"], body.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
    }
}
