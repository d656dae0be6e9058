using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.AI.Inference;
using Microsoft.Extensions.DependencyInjection;
using SelfTrain.Inference;
using SelfTrain.Testing;
using SelfTrain.Workflow.Round.Steps;

namespace SelfTrain.Host.Tests;

/// <summary>
/// The host serves the Azure AI Model Inference image-embeddings contract: Azure.AI.Inference's own client, unchanged,
/// gets what the champion's embedding output computes; the contract's errors come back as that client reads them.
/// </summary>
public sealed class EmbeddingsContractTests
{
    private static readonly LinearTestModel Champion = new("champion-embeds", classes: 4, width: 12, height: 12, embedding: true);

    private static async Task<(HostFixture Fixture, HttpClient Client)> StartAsync(LinearTestModel champion, Dictionary<string, string>? settings = null)
    {
        var fixture = await HostFixture.CreateAsync(settings);
        var client = fixture.Factory.CreateClient();
        await fixture.Models.RegisterChampionAsync(champion);
        await fixture.WaitForChampionAsync(client, champion.Version);
        return (fixture, client);
    }

    /// <summary>The real client the round uses, its requests carried in memory to the host under test.</summary>
    private static ImageEmbeddingsClient ClientOf(HostFixture fixture) => fixture.Factory.Services.GetRequiredService<EmbeddingsEndpoint>().Client;

    private static string DataUrl(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);

    [Fact]
    public async Task The_real_ImageEmbeddingsClient_gets_the_embeddings_of_running_the_model_directly()
    {
        var (fixture, _) = await StartAsync(Champion);
        await using var _ = fixture;
        var images = Enumerable.Range(0, 5).Select(seed => TestImages.Png(12 + seed, 12, seed, gray: seed % 2 == 0)).ToArray();

        var response = await ClientOf(fixture).EmbedAsync(new ImageEmbeddingsOptions(images.Select(png => new ImageEmbeddingInput(DataUrl(png))).ToList()));

        using var direct = OnnxClassifier.Load(Champion.Onnx, Champion.Manifest, new InferenceOptions());
        var expected = ImageEmbedder.Embed(direct, images, ImageLimits.Default);
        Assert.Equal(Champion.Version, response.Value.Model);
        Assert.Equal(images.Length, response.Value.Data.Count);
        foreach (var item in response.Value.Data)
        {
            var embedding = item.Embedding.ToObjectFromJson<float[]>()!;
            Assert.Equal(Champion.EmbeddingDimensions, embedding.Length);
            var want = expected[item.Index].Embedding!;
            for (var d = 0; d < want.Length; d++) Assert.Equal(want[d], embedding[d], 1e-6f);
        }
        // Not all alike: each answer is its own image's.
        Assert.NotEqual(response.Value.Data[0].Embedding.ToString(), response.Value.Data[1].Embedding.ToString());
    }

    [Fact]
    public async Task Info_names_the_champion_as_an_image_embeddings_model()
    {
        var (fixture, _) = await StartAsync(Champion);
        await using var _ = fixture;

        var info = (await ClientOf(fixture).GetModelInfoAsync()).Value;

        Assert.Equal(Champion.Version, info.ModelName);
        Assert.Equal("image_embeddings", info.ModelType.ToString());
        Assert.Equal("SelfTrain", info.ModelProviderName);
    }

    [Fact]
    public async Task Dimensions_or_an_encoding_the_model_does_not_serve_are_422_as_the_client_reads_them()
    {
        var (fixture, _) = await StartAsync(Champion);
        await using var _ = fixture;
        var input = new List<ImageEmbeddingInput> { new(DataUrl(TestImages.Png(12, 12, 1, gray: true))) };

        var error = await Assert.ThrowsAsync<RequestFailedException>(() =>
            ClientOf(fixture).EmbedAsync(new ImageEmbeddingsOptions(input) { Dimensions = 7, EncodingFormat = EmbeddingEncodingFormat.Byte }));

        Assert.Equal(422, error.Status);
        Assert.Equal("UnsupportedParameter", error.ErrorCode);
        Assert.Contains("dimensions 7", error.Message);
        Assert.Contains("encoding_format '" + EmbeddingEncodingFormat.Byte + "'", error.Message);
    }

    [Fact]
    public async Task A_bad_request_is_400_listing_every_bad_input()
    {
        var (fixture, client) = await StartAsync(Champion);
        await using var _ = fixture;
        var body = new
        {
            input = new object[]
            {
                new { image = DataUrl(TestImages.Png(12, 12, 1, gray: true)) },
                new { image = "https://example.com/cat.png" },
                new { image = "data:image/png;base64,abc" },
            },
            model = "some-other-model",
        };

        using var response = await client.PostAsJsonAsync("/api/inference/images/embeddings?api-version=2024-05-01-preview", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("InvalidRequest", error.GetProperty("code").GetString());
        var message = error.GetProperty("message").GetString()!;
        Assert.Contains("input[1].image must be a data URL", message);
        Assert.Contains("input[2].image is not valid base64", message);
        Assert.Contains("model 'some-other-model' is not served", message);
        Assert.DoesNotContain("input[0]", message);
    }

    [Fact]
    public async Task A_corrupt_image_is_named_by_its_index_and_nothing_is_embedded()
    {
        var (fixture, client) = await StartAsync(Champion);
        await using var _ = fixture;
        var body = new { input = new[] { new { image = DataUrl(TestImages.Png(12, 12, 1)) }, new { image = DataUrl(TestImages.CorruptPng()) } } };

        using var response = await client.PostAsJsonAsync("/api/inference/images/embeddings", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("InvalidImage", error.GetProperty("code").GetString());
        Assert.StartsWith("input[1]: ", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_oversized_request_is_413_before_it_is_read_and_too_many_images_are_refused()
    {
        var (fixture, client) = await StartAsync(Champion, new Dictionary<string, string>
        {
            ["Serving:MaxEmbeddingRequestBytes"] = "4096",
            ["Serving:MaxEmbeddingInputs"] = "2",
        });
        await using var _ = fixture;
        var large = JsonSerializer.Serialize(new { input = new[] { new { image = "data:image/png;base64," + new string('A', 8000) } } });

        using var tooLarge = await client.PostAsync("/api/inference/images/embeddings", new StringContent(large, Encoding.UTF8, "application/json"));
        var input = Enumerable.Range(0, 3).Select(seed => new { image = DataUrl(TestImages.Png(4, 4, seed)) }).ToArray();
        using var tooMany = await client.PostAsJsonAsync("/api/inference/images/embeddings", new { input });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("RequestTooLarge", (await tooLarge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("at most 2", await tooMany.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_champion_without_an_embedding_output_answers_503_and_predictions_still_work()
    {
        var (fixture, client) = await StartAsync(new LinearTestModel("champion-no-embedding", classes: 3, width: 8, height: 8));
        await using var _ = fixture;

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => ClientOf(fixture).GetModelInfoAsync());
        using var predicted = await client.PostAsync("/api/predict", new ByteArrayContent(TestImages.Png(8, 8, 3)));

        Assert.Equal(503, error.Status);
        Assert.Equal("NoEmbedding", error.ErrorCode);
        Assert.Equal(HttpStatusCode.OK, predicted.StatusCode);
    }
}
