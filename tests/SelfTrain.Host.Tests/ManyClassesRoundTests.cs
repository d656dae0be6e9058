using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SelfTrain.Storage;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

/// <summary>Any realistic class count: a round with a 100-class champion labels, builds soft-label shards, trains and validates.</summary>
public sealed class ManyClassesRoundTests
{
    private const int Classes = 100, GoldTrain = 300, Validation = 200, Pool = 300;

    [Fact]
    public async Task A_round_with_a_100_class_teacher_trains_on_its_soft_labels_and_validates_the_candidate()
    {
        await using var fixture = await HostFixture.CreateAsync();
        var client = fixture.Factory.CreateClient();
        var names = Enumerable.Range(0, Classes).Select(c => $"class-{c:D3}").ToArray();
        byte[] Png(int i) => TestImages.Png(28, 28, seed: i, gray: true);

        var gold = fixture.Factory.Services.GetRequiredService<GoldStore>();
        await gold.SetClassesAsync(names);
        await Parallel.ForEachAsync(Enumerable.Range(0, GoldTrain + Validation), async (i, _) =>
            await gold.UploadAsync(i < GoldTrain ? GoldSplit.Train : GoldSplit.Validation, i % Classes, $"{i:D5}.png", BinaryData.FromBytes(Png(i))));
        await fixture.Models.RegisterChampionAsync(new LinearTestModel("champion-100", classes: Classes, width: 28, height: 28, classNames: names));
        await fixture.WaitForChampionAsync(client, "champion-100");
        var incoming = fixture.Scope.Account.Blobs.GetBlobContainerClient(fixture.Scope.Layout.Incoming);
        await incoming.CreateIfNotExistsAsync();
        await Parallel.ForEachAsync(Enumerable.Range(10_000, Pool), async (i, _) =>
            await incoming.GetBlobClient($"pool/{i}.png").UploadAsync(BinaryData.FromBytes(Png(i))));
        await Eventually.HoldsAsync(async () => await fixture.Labels.CountAsync() == Pool, TimeSpan.FromSeconds(60), "pool labelled");
        // Every row keeps the whole 100-class vector (the label store once kept only the top ten above 64 classes);
        // only probabilities below half precision's smallest value read back as zero.
        var rows = await fixture.Labels.ReadAllAsync().ToListAsync();
        Assert.All(rows, row => Assert.Equal(Classes, row.Prediction!.Probabilities.Length));
        Assert.True(rows.Average(row => row.Prediction!.Probabilities.Count(p => p > 0)) > 50);

        using var trainer = new TrainerProcess(fixture.Scope.Layout.Prefix);
        using var started = await client.PostAsJsonAsync("/api/rounds", new { recipe = "naive", epochs = 1, batchSize = 32, trainingTimeout = "00:05:00" });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var status = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statusQueryGetUri").GetString()!;
        JsonElement body = default;
        await Eventually.HoldsAsync(async () =>
        {
            body = await client.GetFromJsonAsync<JsonElement>(status);
            Assert.DoesNotContain(body.GetProperty("status").GetString(), new[] { "Failed", "Terminated" });
            return body.GetProperty("status").GetString() == "Completed";
        }, TimeSpan.FromMinutes(4), "round completed", () => $"{body}\n{trainer.Output}");

        var result = body.GetProperty("result");
        Assert.Equal(Pool, result.GetProperty("pool").GetProperty("accepted").GetInt32());
        var validation = result.GetProperty("validation");
        Assert.Equal(Validation, validation.GetProperty("candidate").GetProperty("images").GetInt32());
        Assert.Empty(validation.GetProperty("smokeFailures").EnumerateArray());
        var candidate = result.GetProperty("candidate").GetString()!;
        Assert.Equal(names, (await fixture.Models.LoadCandidateAsync(candidate)).Manifest.Classes);
    }
}
