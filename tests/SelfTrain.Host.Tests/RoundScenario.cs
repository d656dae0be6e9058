using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SelfTrain.Core.Data;
using SelfTrain.Inference;
using SelfTrain.Storage;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

/// <summary>The data a round test starts from, on the host's storage.</summary>
internal static class RoundScenario
{
    // The deployment's default gate judges these rounds, so validation is large enough to measure each class's recall
    // to about a point (100 images per class), and the champion is clearly beaten on every class.
    public const int GoldTrain = 500, Validation = 1000, Pool = 600, ChampionImages = 100;

    /// <summary>Starts a round with <paramref name="request"/>, runs the real trainer for it and returns the completed round's result.</summary>
    public static async Task<JsonElement> CompleteRoundAsync(HostFixture fixture, HttpClient client, object request)
    {
        using var started = await client.PostAsJsonAsync("/api/rounds", request);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var trainer = new TrainerProcess(fixture.Scope.Layout.Prefix);
        JsonElement round = default;
        await Eventually.HoldsAsync(async () =>
        {
            round = await client.GetFromJsonAsync<JsonElement>($"/api/rounds/{id}");
            Assert.DoesNotContain(round.GetProperty("status").GetString(), new[] { "Failed", "Terminated" });
            return round.GetProperty("status").GetString() == "Completed";
        }, TimeSpan.FromMinutes(4), "round completed", () => $"{round}\n{trainer.Output}");
        return round.GetProperty("result");
    }

    /// <summary>Gold splits, a champion that confuses two pairs of classes, and a pool labelled by the host's watcher.</summary>
    /// <param name="embedding">Whether the champion has an embedding output.</param>
    /// <param name="extraPool">Images uploaded to the pool besides its Fashion-MNIST images.</param>
    /// <param name="champion">The champion's version.</param>
    public static async Task SeedAsync(HostFixture fixture, HttpClient client, bool embedding = false, IReadOnlyList<byte[]>? extraPool = null,
        string champion = "champion-a")
    {
        var train = FashionMnist.LoadTrain();
        var classes = FashionMnist.ClassNames.ToArray();
        byte[] Png(int i) => PngEncoder.EncodeGray(train.Image(i), 28, 28);

        // Gold: train and validation splits. The champion: a nearest-centroid classifier from 100 other images (weak on
        // every class, so the default gate's per-class rule holds) that confuses two pairs of classes (T-shirt/Shirt and Pullover/Coat swapped) — the kind of systematic mistake a
        // student must not copy. Calibration finds those classes imprecise, so their pseudo-labels stay out.
        var gold = fixture.Factory.Services.GetRequiredService<GoldStore>();
        await gold.SetClassesAsync(classes);
        await Parallel.ForEachAsync(Enumerable.Range(0, GoldTrain + Validation), async (i, _) =>
            await gold.UploadAsync(i < GoldTrain ? GoldSplit.Train : GoldSplit.Validation, train.Labels[i], $"{i:D5}.png", BinaryData.FromBytes(Png(i))));
        int[] swapped = [6, 1, 4, 3, 2, 5, 0, 7, 8, 9];
        var teacher = LinearTestModel.Centroids(champion, Enumerable.Range(50_000, ChampionImages).Select(i => train.Image(i).ToArray()).ToArray(),
            Enumerable.Range(50_000, ChampionImages).Select(i => swapped[train.Labels[i]]).ToArray(), classes, 28, 28, embedding: embedding);
        await fixture.Models.RegisterChampionAsync(teacher);
        await fixture.WaitForChampionAsync(client, champion);

        // Production traffic, labelled by the watcher.
        var incoming = fixture.Scope.Account.Blobs.GetBlobContainerClient(fixture.Scope.Layout.Incoming);
        await incoming.CreateIfNotExistsAsync();
        await Parallel.ForEachAsync(Enumerable.Range(10_000, Pool), async (i, _) =>
            await incoming.GetBlobClient($"pool/{i}.png").UploadAsync(BinaryData.FromBytes(Png(i))));
        var extra = extraPool ?? [];
        await Parallel.ForEachAsync(Enumerable.Range(0, extra.Count), async (i, _) =>
            await incoming.GetBlobClient($"pool/extra-{i}.png").UploadAsync(BinaryData.FromBytes(extra[i])));
        await Eventually.HoldsAsync(async () => await fixture.Labels.ReadAllAsync().CountAsync() == Pool + extra.Count, TimeSpan.FromSeconds(60), "pool labelled");

    }
}
