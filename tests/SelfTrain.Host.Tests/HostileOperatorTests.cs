using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SelfTrain.Storage;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

/// <summary>
/// Only the gate changes what is served: each test tries what a caller with ordinary (or operator) access might, against
/// the running local host, and checks it gets nowhere.
/// </summary>
public sealed class HostileOperatorTests
{
    /// <summary>This deployment's floor, stricter than the built-in default, so the tests can tell the two apart.</summary>
    private static readonly Dictionary<string, string> Floor = new() { ["Gate:MinimumGain"] = "0.01" };

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Attack_a_gate_that_promotes_anything_is_refused_and_no_round_starts()
    {
        await using var fixture = await HostFixture.CreateAsync(Floor);
        var client = fixture.Factory.CreateClient();

        using var anything = await client.PostAsync("/api/rounds", Json("""{"gate":{"minimumGain":-1,"alpha":2,"maximumRecallDrop":1}}"""));
        var problem = await ProblemAsync(anything, HttpStatusCode.BadRequest);
        var problems = problem.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToArray();
        Assert.Contains(problems, p => p.Contains("gate.alpha 2"));
        Assert.Contains(problems, p => p.Contains("gate.minimumGain -1"));
        Assert.Null(anything.Headers.Location);

        using var laxer = await client.PostAsync("/api/rounds", Json("""{"gate":{"minimumGain":0.005}}"""));
        var detail = (await ProblemAsync(laxer, HttpStatusCode.BadRequest)).GetProperty("detail").GetString();
        Assert.Contains("gate.minimumGain 0.005 is laxer than this deployment's floor 0.01", detail);
    }

    [Fact]
    public async Task A_stricter_gate_is_what_the_round_carries_and_unset_fields_keep_the_floor()
    {
        await using var fixture = await HostFixture.CreateAsync(Floor);
        await fixture.Models.RegisterChampionAsync(new LinearTestModel("champion-a"));
        var client = fixture.Factory.CreateClient();

        using var started = await client.PostAsync("/api/rounds", Json("""{"gate":{"alpha":0.01}}"""));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var status = await client.GetAsync($"/runtime/webhooks/durabletask/instances/{id}");
        var gate = (await status.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("input").GetProperty("gate");

        Assert.Equal(0.01, gate.GetProperty("alpha").GetDouble());
        Assert.Equal(0.01, gate.GetProperty("minimumGain").GetDouble());
        Assert.Equal(0.05, gate.GetProperty("maximumRecallDrop").GetDouble());
    }

    [Fact]
    public async Task Attack_no_answer_carries_a_management_URL_and_no_route_raises_events()
    {
        await using var fixture = await HostFixture.CreateAsync();
        await fixture.Models.RegisterChampionAsync(new LinearTestModel("champion-a"));
        var client = fixture.Factory.CreateClient();

        using var started = await client.PostAsync("/api/rounds", Json("{}"));
        var links = await started.Content.ReadFromJsonAsync<JsonElement>();
        var id = links.GetProperty("id").GetString()!;
        Assert.Equal(["id", "statusQueryGetUri", "terminatePostUri"], links.EnumerateObject().Select(p => p.Name));
        Assert.EndsWith($"/api/rounds/{id}", links.GetProperty("statusQueryGetUri").GetString());
        Assert.EndsWith($"/api/rounds/{id}/terminate", links.GetProperty("terminatePostUri").GetString());
        Assert.Equal(links.GetProperty("statusQueryGetUri").GetString(), started.Headers.Location!.ToString());

        // A forged TrainingCompleted event through the Durable webhook: the route does not exist.
        using var forged = await client.PostAsync($"/runtime/webhooks/durabletask/instances/{id}/raiseEvent/TrainingCompleted", Json("{}"));
        Assert.True(forged.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, forged.StatusCode.ToString());
    }

    [Theory]
    [InlineData(".hidden")]
    [InlineData("a..b")]
    [InlineData("a%2Fb")]
    [InlineData("not%20a%20version")]
    public async Task Attack_traversal_version_names_are_refused(string version)
    {
        await using var fixture = await HostFixture.CreateAsync();
        var client = fixture.Factory.CreateClient();

        using var response = await client.PostAsync($"/api/models/{version}/promote", null);

        Assert.Contains("must be 1 to 128 letters", (await ProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        Assert.Null(await fixture.Models.GetChampionAsync());
    }

    [Fact]
    public async Task Attack_a_dot_dot_segment_never_reaches_the_promote_route()
    {
        await using var fixture = await HostFixture.CreateAsync();
        var client = fixture.Factory.CreateClient();

        // The server resolves "/api/models/../promote" to "/api/promote" before routing: no route, no promotion.
        using var response = await client.PostAsync("/api/models/%2E%2E/promote", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(await fixture.Models.GetChampionAsync());
    }

    [Fact]
    public async Task Attack_a_tampered_model_is_refused_at_promotion_and_at_load_and_the_champion_keeps_serving()
    {
        await using var fixture = await HostFixture.CreateAsync();
        var client = fixture.Factory.CreateClient();
        var served = new LinearTestModel("v1");
        var victim = new LinearTestModel("v2", seed: 2);
        await fixture.Models.RegisterChampionAsync(served);
        await fixture.Models.SaveAsync(victim.Onnx, victim.Manifest);
        await fixture.WaitForChampionAsync(client, "v1");

        // Someone with write access to models/ swaps v2's weights after it was stored.
        var models = fixture.Scope.Account.Blobs.GetBlobContainerClient(fixture.Scope.Layout.Models);
        await models.GetBlobClient(ModelStore.OnnxBlob("v2")).UploadAsync(BinaryData.FromBytes(new LinearTestModel("v2", seed: 7).Onnx), overwrite: true);

        using var promote = await client.PostAsync("/api/models/v2/promote", null);
        Assert.Contains("SHA-256", (await ProblemAsync(promote, HttpStatusCode.UnprocessableEntity)).GetProperty("detail").GetString());
        Assert.Equal("v1", (await fixture.Models.GetChampionAsync())!.Pointer.Version);

        // And moves the pointer itself: the host refuses to load v2 and keeps serving v1.
        var pointer = new ChampionPointer("v2", DateTimeOffset.UtcNow, "v1", "forged");
        await models.GetBlobClient(ModelStore.ChampionBlob).UploadAsync(BinaryData.FromObjectAsJson(pointer, new JsonSerializerOptions(JsonSerializerDefaults.Web)), overwrite: true);
        JsonElement health = default;
        await Eventually.HoldsAsync(async () => (health = await client.GetFromJsonAsync<JsonElement>("/api/health")).GetProperty("refusedChampion").GetString() == "v2",
            TimeSpan.FromSeconds(10), "the forged pointer refused", () => health.ToString());
        Assert.Equal("v1", health.GetProperty("champion").GetString());
        using var image = new ByteArrayContent(TestImages.Png(8, 8, seed: 1, gray: true));
        image.Headers.ContentType = new("image/png");
        using var predict = await client.PostAsync("/api/predict", image);
        Assert.Equal("v1", (await predict.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("model").GetString());
    }
}
