using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SelfTrain.Core.Models;
using SelfTrain.Storage;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

public sealed class ModelRegistryEndpointTests
{
    private static readonly LinearTestModel First = new("v1", seed: 1);
    private static readonly LinearTestModel Second = new("v2", seed: 2);

    /// <summary>The host serving <see cref="First"/>, with <see cref="Second"/> registered beside it.</summary>
    private static async Task<(HostFixture Fixture, HttpClient Client)> StartAsync()
    {
        var fixture = await HostFixture.CreateAsync();
        var client = fixture.Factory.CreateClient();
        await fixture.Models.RegisterChampionAsync(First);
        await fixture.Models.SaveAsync(Second.Onnx, Second.Manifest with
        {
            CreatedAt = First.Manifest.CreatedAt.AddHours(1),
            Lineage = new ModelLineage { Teacher = First.Version, Recipe = "noisy-student", DataSnapshot = "round-1" },
            Metrics = new Dictionary<string, double> { ["validationAccuracy"] = 0.9 },
        });
        await fixture.WaitForChampionAsync(client, First.Version);
        return (fixture, client);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task The_listing_shows_the_champion_every_version_and_the_history()
    {
        var (fixture, client) = await StartAsync();
        await using var _ = fixture;
        await fixture.Registry.RecordRejectionAsync("v0", ["p = 0.3 is not below 0.05"], new Dictionary<string, double> { ["mcNemarP"] = 0.3 });

        var body = await client.GetFromJsonAsync<JsonElement>("/api/models");

        Assert.Equal("v1", body.GetProperty("champion").GetProperty("version").GetString());
        var versions = body.GetProperty("versions").EnumerateArray().ToArray();
        Assert.Equal(["v2", "v1"], versions.Select(v => v.GetProperty("version").GetString()));
        Assert.Equal([false, true], versions.Select(v => v.GetProperty("isChampion").GetBoolean()));
        var lineage = versions[0].GetProperty("lineage");
        Assert.Equal(("v1", "noisy-student", "round-1"),
            (lineage.GetProperty("teacher").GetString(), lineage.GetProperty("recipe").GetString(), lineage.GetProperty("dataSnapshot").GetString()));
        Assert.Equal(0.9, versions[0].GetProperty("metrics").GetProperty("validationAccuracy").GetDouble());
        var rejected = Assert.Single(body.GetProperty("history").EnumerateArray());
        Assert.Equal(("rejected", "v0", "v1"),
            (rejected.GetProperty("kind").GetString(), rejected.GetProperty("version").GetString(), rejected.GetProperty("previous").GetString()));

        Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/models?history=0")).GetProperty("history").EnumerateArray());
        using var invalid = await client.GetAsync("/api/models?history=-1");
        await ProblemAsync(invalid, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_manual_promotion_is_served_and_recorded_and_a_rollback_undoes_it()
    {
        var (fixture, client) = await StartAsync();
        await using var _ = fixture;

        using var promoted = await client.PostAsync("/api/models/v2/promote", Json("""{"reason":"operator checked it"}"""));
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        var pointer = await promoted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("v2", "v1", "operator checked it"),
            (pointer.GetProperty("version").GetString(), pointer.GetProperty("previous").GetString(), pointer.GetProperty("reason").GetString()));
        await fixture.WaitForChampionAsync(client, "v2");

        using var rolledBack = await client.PostAsync("/api/models/rollback", null);
        Assert.Equal(HttpStatusCode.OK, rolledBack.StatusCode);
        var restored = await rolledBack.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("v1", "v2", "manual rollback"),
            (restored.GetProperty("version").GetString(), restored.GetProperty("previous").GetString(), restored.GetProperty("reason").GetString()));
        await fixture.WaitForChampionAsync(client, "v1");

        var history = (await client.GetFromJsonAsync<JsonElement>("/api/models")).GetProperty("history").EnumerateArray().ToArray();
        Assert.Equal(["rollback", "manual"], history.Select(h => h.GetProperty("kind").GetString()));
        Assert.Equal(["operator checked it"], history[1].GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["manual rollback"], history[0].GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
    }

    [Theory]
    [InlineData("never")]
    [InlineData("half")]
    public async Task Promoting_an_unknown_or_incomplete_version_is_a_404_problem(string version)
    {
        var (fixture, client) = await StartAsync();
        await using var _ = fixture;
        await fixture.Scope.Account.Blobs.GetBlobContainerClient(fixture.Scope.Layout.Models)
            .UploadBlobAsync(ModelStore.OnnxBlob("half"), BinaryData.FromBytes([1, 2, 3])); // no manifest yet

        using var response = await client.PostAsync($"/api/models/{version}/promote", null);

        await ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("v1", (await fixture.Models.GetChampionAsync())!.Pointer.Version);
        Assert.Empty(await fixture.Registry.HistoryAsync());
    }

    [Fact]
    public async Task A_rollback_without_a_previous_champion_is_a_409_problem()
    {
        var (fixture, client) = await StartAsync();
        await using var _ = fixture;

        using var response = await client.PostAsync("/api/models/rollback", null);

        var problem = await ProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("No previous champion", problem.GetProperty("title").GetString());
        Assert.Equal("v1", (await fixture.Models.GetChampionAsync())!.Pointer.Version);
    }

    [Fact]
    public async Task A_promotion_body_must_be_json_with_a_short_reason()
    {
        var (fixture, client) = await StartAsync();
        await using var _ = fixture;

        using var text = await client.PostAsync("/api/models/v2/promote", new StringContent("because", Encoding.UTF8, "text/plain"));
        await ProblemAsync(text, HttpStatusCode.UnsupportedMediaType);
        using var malformed = await client.PostAsync("/api/models/v2/promote", Json("{reason:"));
        await ProblemAsync(malformed, HttpStatusCode.BadRequest);
        using var tooLong = await client.PostAsync("/api/models/v2/promote", Json(JsonSerializer.Serialize(new { reason = new string('x', 1001) })));
        await ProblemAsync(tooLong, HttpStatusCode.BadRequest);

        Assert.Equal("v1", (await fixture.Models.GetChampionAsync())!.Pointer.Version);
    }
}
