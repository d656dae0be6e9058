using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

/// <summary>
/// A round request is checked whole before anything runs: one 400 listing every problem, and no orchestration; the
/// student settings it leaves open follow the champion that will teach.
/// </summary>
public sealed class RoundRequestTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>A host with a champion to teach: gray 8×8 unless told otherwise.</summary>
    private static async Task<HostFixture> WithChampionAsync(IReadOnlyDictionary<string, string>? settings = null, LinearTestModel? champion = null)
    {
        var fixture = await HostFixture.CreateAsync(settings);
        await fixture.Models.RegisterChampionAsync(champion ?? new LinearTestModel("champion-a"));
        return fixture;
    }

    [Theory]
    [InlineData("""{"inputSize":40000}""", "inputSize 40000 must be between 8 and 512")]
    [InlineData("""{"architecture":"resnet18"}""", "architecture 'resnet18' is unknown (known: small-cnn, resnet8)")]
    [InlineData("""{"architecture":"small-cnn","inputSize":64}""", "architecture 'small-cnn' takes inputs of 8 to 32 px, not 64 (use 'resnet8')")]
    [InlineData("""{"channels":2}""", "channels 2 must be 1 or 3")]
    [InlineData("""{"epochs":5000}""", "epochs 5000 must be between 1 and 1000")]
    [InlineData("""{"batchSize":1}""", "batchSize 1 must be between 2 and 4096")]
    [InlineData("""{"goldShare":1}""", "goldShare 1 must be in [0, 1)")]
    [InlineData("""{"temperature":0}""", "temperature 0 must be in (0, 100]")]
    [InlineData("""{"targetPrecision":1.5}""", "targetPrecision 1.5 must be in (0, 1]")]
    [InlineData("""{"trainingTimeout":"-00:01:00"}""", "trainingTimeout -00:01:00 must be positive")]
    [InlineData("""{"trainingTimeout":"2.00:00:00"}""", "must be positive and at most 04:00:00")]
    [InlineData("""{"maxTrainingAttempts":0}""", "maxTrainingAttempts 0 must be between 1 and 5")]
    [InlineData("""{"maxRounds":100}""", "maxRounds 100 must be between 1 and 10")]
    [InlineData("""{"partitionsPerGroup":0}""", "partitionsPerGroup 0 must be between 1 and 1024")]
    [InlineData("""{"round":3}""", "round is set by the orchestration")]
    [InlineData("""{"recipe":"magic"}""", "recipe 'magic' is unknown")]
    [InlineData("""{"view":{"nearDuplicateSimilarity":2}}""", "view.nearDuplicateSimilarity 2 must be in (0, 1]")]
    [InlineData("""{"view":{"outlierPercentile":5}}""", "view.outlierPercentile 5 must be between 50 and 100")]
    [InlineData("""{"view":{}}""", "view needs image embeddings: the champion champion-a has no embedding output")]
    [InlineData("""{"view":{"propagation":{"neighbours":0,"alpha":1}}}""", "view.propagation.neighbours 0 must be between 1 and 100")]
    [InlineData("""{"view":{"propagation":{"alpha":1}}}""", "view.propagation.alpha 1 must be in (0, 1)")]
    [InlineData("""{"view":{"propagation":{}},"secondOpinion":true}""", "view.propagation cannot be combined with secondOpinion")]
    [InlineData("""{"view":{"propagation":{}},"recipe":"naive"}""", "view.propagation needs the 'noisy-student' recipe")]
    [InlineData("""{"epochz":3}""", "the body is not a valid round request")]
    [InlineData("""[1,2]""", "the body is not a valid round request")]
    public async Task Each_invalid_field_is_refused_by_name(string body, string problem)
    {
        await using var fixture = await WithChampionAsync();
        var client = fixture.Factory.CreateClient();

        using var response = await client.PostAsync("/api/rounds", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problems = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToArray();
        Assert.Contains(problems, p => p.Contains(problem, StringComparison.Ordinal));
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Every_problem_of_a_request_is_listed_at_once()
    {
        await using var fixture = await WithChampionAsync();
        var client = fixture.Factory.CreateClient();

        using var response = await client.PostAsync("/api/rounds",
            Json("""{"inputSize":40000,"epochs":5000,"batchSize":1,"goldShare":1,"trainingTimeout":"-00:01:00","gate":null}"""));

        var problems = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("problems");
        Assert.Equal(5, problems.GetArrayLength());
    }

    [Fact]
    public async Task A_null_gate_means_the_deployment_s_floor()
    {
        await using var fixture = await WithChampionAsync(new Dictionary<string, string> { ["Gate:Alpha"] = "0.01" });
        var client = fixture.Factory.CreateClient();

        using var response = await client.PostAsync("/api/rounds", Json("""{"gate":null}"""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var status = await client.GetFromJsonAsync<JsonElement>($"/runtime/webhooks/durabletask/instances/{id}");
        Assert.Equal(0.01, status.GetProperty("input").GetProperty("gate").GetProperty("alpha").GetDouble());
    }

    [Theory]
    [InlineData(1, 8, "small-cnn", 8, 1)]     // gray and small: the small CNN at the teacher's side
    [InlineData(3, 32, "resnet8", 32, 3)]     // colour: an RGB ResNet
    [InlineData(1, 224, "resnet8", 64, 1)]    // a large teacher: the student's side stops at 64 px
    public async Task The_student_a_request_leaves_open_follows_the_teacher(int channels, int side, string architecture, int inputSize, int studentChannels)
    {
        await using var fixture = await WithChampionAsync(champion: new LinearTestModel("teacher", width: side, height: side, channels: channels));
        var client = fixture.Factory.CreateClient();

        using var response = await client.PostAsync("/api/rounds", Json("{}"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var input = (await client.GetFromJsonAsync<JsonElement>($"/runtime/webhooks/durabletask/instances/{id}")).GetProperty("input");
        Assert.Equal((architecture, inputSize, studentChannels),
            (input.GetProperty("architecture").GetString(), input.GetProperty("inputSize").GetInt32(), input.GetProperty("channels").GetInt32()));
    }

    [Fact]
    public async Task A_named_student_setting_is_kept_and_the_rest_follow_the_teacher()
    {
        await using var fixture = await WithChampionAsync(champion: new LinearTestModel("teacher", width: 32, height: 32, channels: 3));
        var client = fixture.Factory.CreateClient();

        using var response = await client.PostAsync("/api/rounds", Json("""{"channels":1}"""));

        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var input = (await client.GetFromJsonAsync<JsonElement>($"/runtime/webhooks/durabletask/instances/{id}")).GetProperty("input");
        Assert.Equal(("small-cnn", 32, 1), (input.GetProperty("architecture").GetString(), input.GetProperty("inputSize").GetInt32(), input.GetProperty("channels").GetInt32()));
    }

    [Fact]
    public async Task A_round_without_a_champion_to_teach_is_refused_up_front()
    {
        await using var fixture = await HostFixture.CreateAsync();
        var client = fixture.Factory.CreateClient();

        using var response = await client.PostAsync("/api/rounds", Json("{}"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("register a model and promote it", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }
}
