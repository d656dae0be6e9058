using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SelfTrain.Core;
using SelfTrain.Inference;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

public sealed class PredictEndpointTests
{
    private static readonly LinearTestModel Champion = new("champion-1", classes: 10, width: 28, height: 28);

    private static ByteArrayContent Image(byte[] bytes, string mediaType = "image/png")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    private static async Task<(HostFixture Fixture, HttpClient Client)> StartAsync(Dictionary<string, string>? settings = null, bool withChampion = true)
    {
        var fixture = await HostFixture.CreateAsync(settings);
        var client = fixture.Factory.CreateClient();
        if (withChampion)
        {
            await fixture.Models.RegisterChampionAsync(Champion);
            await fixture.WaitForChampionAsync(client, Champion.Version);
        }
        return (fixture, client);
    }

    [Fact]
    public async Task A_raw_image_gets_the_champions_prediction()
    {
        var (fixture, client) = await StartAsync();
        await using var _ = fixture;
        var png = TestImages.Png(28, 28, seed: 5, gray: true);

        using var response = await client.PostAsync("/api/predict?top=3", Image(png));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("champion-1", body.GetProperty("model").GetString());
        var top = body.GetProperty("top").EnumerateArray().ToArray();
        Assert.Equal(3, top.Length);
        Assert.Equal(body.GetProperty("label").GetString(), top[0].GetProperty("label").GetString());
        Assert.Equal(body.GetProperty("confidence").GetSingle(), top[0].GetProperty("probability").GetSingle());
        Assert.True(top[0].GetProperty("probability").GetSingle() >= top[1].GetProperty("probability").GetSingle());
        Assert.Equal(Champion.Classes[body.GetProperty("classIndex").GetInt32()], body.GetProperty("label").GetString());
    }

    [Fact]
    public async Task A_multipart_image_gets_the_same_answer_as_a_raw_one()
    {
        var (fixture, client) = await StartAsync();
        await using var _ = fixture;
        var png = TestImages.Png(28, 28, seed: 6, gray: true);

        using var raw = await client.PostAsync("/api/predict", Image(png));
        using var form = new MultipartFormDataContent { { Image(png), "image", "shirt.png" } };
        using var multipart = await client.PostAsync("/api/predict", form);

        Assert.Equal(HttpStatusCode.OK, multipart.StatusCode);
        Assert.Equal(await raw.Content.ReadAsStringAsync(), await multipart.Content.ReadAsStringAsync());
        Assert.Equal(5, (await multipart.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("top").GetArrayLength());
    }

    public static TheoryData<string, byte[], string, HttpStatusCode, string?> BadRequests() => new()
    {
        { "text body", "hello"u8.ToArray(), "text/plain", HttpStatusCode.UnsupportedMediaType, null },
        { "not an image", TestImages.NotAnImage(), "image/png", HttpStatusCode.BadRequest, nameof(RejectionReason.NotAnImage) },
        { "empty", [], "image/png", HttpStatusCode.BadRequest, nameof(RejectionReason.Empty) },
        { "truncated", TestImages.TruncatedPng(), "image/png", HttpStatusCode.BadRequest, nameof(RejectionReason.Truncated) },
        { "corrupt", TestImages.CorruptPng(), "application/octet-stream", HttpStatusCode.BadRequest, nameof(RejectionReason.Corrupt) },
        { "wbmp", TestImages.Wbmp(), "image/vnd.wap.wbmp", HttpStatusCode.UnsupportedMediaType, nameof(RejectionReason.UnsupportedFormat) },
        { "too many pixels", TestImages.BmpHeader(10_000, 10_000), "image/bmp", HttpStatusCode.RequestEntityTooLarge, nameof(RejectionReason.TooManyPixels) },
        { "too many bytes", new byte[70_000], "image/png", HttpStatusCode.RequestEntityTooLarge, nameof(RejectionReason.TooManyBytes) },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_requests_get_a_problem_with_the_right_status(string name, byte[] body, string mediaType, HttpStatusCode status, string? reason)
    {
        var (fixture, client) = await StartAsync(new Dictionary<string, string> { ["Serving:MaxImageBytes"] = "60000" });
        await using var _ = fixture;

        using var response = await client.PostAsync("/api/predict", Image(body, mediaType));

        Assert.True(status == response.StatusCode, $"{name}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        if (reason is not null) Assert.Equal(reason, problem.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Multipart_without_the_image_field_is_a_400()
    {
        var (fixture, client) = await StartAsync();
        await using var _ = fixture;
        using var form = new MultipartFormDataContent { { Image(TestImages.Png(28, 28, 1)), "picture", "x.png" } };
        using var response = await client.PostAsync("/api/predict", form);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'image'", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Before_any_champion_predictions_are_a_503()
    {
        var (fixture, client) = await StartAsync(withChampion: false);
        await using var _ = fixture;
        using var response = await client.PostAsync("/api/predict", Image(TestImages.Png(28, 28, 1)));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Captured_images_become_labelled_training_data()
    {
        var (fixture, client) = await StartAsync();
        await using var _ = fixture;
        var png = TestImages.Png(28, 28, seed: 8, gray: true);

        using var response = await client.PostAsync("/api/predict?capture=true", Image(png));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var predicted = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("classIndex").GetInt32();

        // The host's watcher labels the captured blob like any upload.
        await Eventually.HoldsAsync(async () => await fixture.Labels.GetAsync(ContentAddress.Of(png)) is not null, TimeSpan.FromSeconds(20),
            "the captured image labelled");
        var labelled = (await fixture.Labels.GetAsync(ContentAddress.Of(png)))!;
        Assert.Equal([$"captured/{ContentAddress.Of(png).Hex}"], labelled.BlobNames);
        Assert.Equal(predicted, labelled.Prediction!.ClassIndex);
    }

    [Fact]
    public async Task A_champion_swap_under_concurrent_load_fails_no_request()
    {
        var (fixture, client) = await StartAsync();
        await using var _ = fixture;
        var png = TestImages.Png(28, 28, seed: 7, gray: true);
        var failures = new List<string>();
        var models = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();

        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.PostAsync("/api/predict", Image(png));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    var failure = $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
                    lock (failures) failures.Add(failure);
                }
                else
                    models.AddOrUpdate((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("model").GetString()!, 1, (_, n) => n + 1);
            }
        })).ToArray();

        // Load is flowing before the swap, and keeps flowing through it until the new champion has answered many times.
        await Eventually.HoldsAsync(() => models.GetValueOrDefault("champion-1") >= 20, TimeSpan.FromSeconds(10), "the first champion under load");
        var next = new LinearTestModel("champion-2", classes: 10, width: 28, height: 28, seed: 2);
        await fixture.Models.RegisterChampionAsync(next);
        await Eventually.HoldsAsync(() => models.GetValueOrDefault("champion-2") >= 20, TimeSpan.FromSeconds(10), "the new champion under load");
        stop.Cancel();
        await Task.WhenAll(clients);

        Assert.Empty(failures);
        Assert.True(models["champion-1"] > 0 && models["champion-2"] > 0, string.Join(", ", models));
    }
}
