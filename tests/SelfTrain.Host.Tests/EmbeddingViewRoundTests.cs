using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SelfTrain.Core.Data;
using SelfTrain.Core.Embeddings;
using SelfTrain.Core.Shards;
using SelfTrain.Inference;
using SelfTrain.Storage;
using SelfTrain.Testing;
using SelfTrain.Workflow.Round;
using SelfTrain.Workflow.Round.Steps;

namespace SelfTrain.Host.Tests;

/// <summary>
/// A round with the embedding view: gold and pool are embedded through the host's own Azure AI Model Inference route
/// by the real client, and the shards keep out near-copies of validation images and images unlike any gold image.
/// </summary>
public sealed class EmbeddingViewRoundTests
{
    private const int NearCopies = 10, Noise = 5;

    [Fact]
    public async Task A_round_with_the_view_keeps_copies_of_held_out_gold_and_outliers_out_of_training_and_counts_them()
    {
        await using var fixture = await HostFixture.CreateAsync();
        var client = fixture.Factory.CreateClient();
        var train = FashionMnist.LoadTrain();
        // Near-copies of validation images (one pixel changed), and bright corners on black, where no garment lies.
        var copies = Enumerable.Range(RoundScenario.GoldTrain, NearCopies).Select(i =>
        {
            var pixels = train.Image(i).ToArray();
            pixels[0] = (byte)(255 - pixels[0]);
            return PngEncoder.EncodeGray(pixels, 28, 28);
        });
        var corners = Enumerable.Range(0, Noise).Select(corner =>
        {
            var pixels = new byte[28 * 28];
            var (top, left) = (corner % 2 * 22, corner / 2 % 2 * 22 + corner / 4 * 11);
            for (var y = top; y < top + 6; y++)
                for (var x = left; x < left + 6; x++) pixels[y * 28 + x] = 255;
            return PngEncoder.EncodeGray(pixels, 28, 28);
        });
        await RoundScenario.SeedAsync(fixture, client, embedding: true, extraPool: [.. copies, .. corners]);

        // A gate no student passes keeps champion-a serving, so its embeddings are the ones stored.
        var result = await RoundScenario.CompleteRoundAsync(fixture, client, new
        {
            epochs = 3, batchSize = 64, targetPrecision = 0.8, trainingTimeout = "00:05:00", view = new { }, gate = new { minimumGain = 0.9 },
        });
        Assert.False(result.GetProperty("promoted").GetBoolean());

        // The plan: the champion's embedding layer (the flattened image) through the round's endpoint, every gold image.
        var view = result.GetProperty("view");
        Assert.Equal("champion-a", view.GetProperty("model").GetString());
        Assert.Equal(28 * 28, view.GetProperty("dimensions").GetInt32());
        Assert.Equal(RoundScenario.GoldTrain + RoundScenario.Validation, view.GetProperty("goldImages").GetInt32());
        Assert.Equal(RoundScenario.GoldTrain + RoundScenario.Validation, view.GetProperty("goldEmbedded").GetInt32());
        var floor = view.GetProperty("outlierSimilarity").GetDouble();
        Assert.InRange(floor, 0.0, 0.99);

        // The shards: every copy is a near-duplicate, every noise image an outlier; each pool row is counted once.
        var pool = result.GetProperty("pool");
        var counts = pool.GetProperty("view");
        var nearDuplicates = counts.GetProperty("nearDuplicates").GetInt32();
        var outliers = counts.GetProperty("outliers").GetInt32();
        Assert.InRange(nearDuplicates, NearCopies, NearCopies + 5);
        // Percentile 99: about 1% of real images lie as far from gold as gold's own farthest 1%.
        Assert.True(outliers >= Noise && outliers <= Noise + RoundScenario.Pool / 20, $"{outliers} outliers below similarity {floor}: {counts}");
        Assert.Equal(0, counts.GetProperty("notEmbedded").GetInt32());
        Assert.Equal(nearDuplicates, counts.GetProperty("nearDuplicatesPerClass").EnumerateArray().Sum(c => c.GetInt32()));
        Assert.Equal(outliers, counts.GetProperty("outliersPerClass").EnumerateArray().Sum(c => c.GetInt32()));
        Assert.Equal(RoundScenario.Pool + NearCopies + Noise, pool.GetProperty("accepted").GetInt32() + pool.GetProperty("belowThreshold").GetInt32()
            + pool.GetProperty("unusable").GetInt32() + nearDuplicates + outliers);

        // The round's report says what the view kept out.
        var runs = fixture.Scope.Account.Blobs.GetBlobContainerClient(fixture.Scope.Layout.Runs);
        var reportBlob = await runs.GetBlobsAsync().Select(b => b.Name).SingleAsync(name => name.EndsWith("/report.md", StringComparison.Ordinal));
        var report = (await runs.GetBlobClient(reportBlob).DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("## Embedding view", report);
        Assert.Contains($"Kept out of training: {nearDuplicates} near-duplicates, {outliers} outliers", report);

        // Stored once per image and model: a second pass embeds nothing.
        var step = fixture.Factory.Services.GetRequiredService<ImageEmbeddingStep>();
        var again = await step.EmbedGoldAsync(new EmbeddingViewPolicy());
        Assert.Equal(0, again.GoldEmbedded);
        Assert.Equal(floor, again.OutlierSimilarity!.Value, 1e-6);
        var partition = fixture.Labels.PartitionOf((await fixture.Labels.ReadAllAsync().FirstAsync()).Content);
        Assert.Equal(0, await step.EmbedPartitionAsync(new PartitionEmbeddingRequest(partition, "champion-a")));
        var stored = await fixture.Factory.Services.GetRequiredService<EmbeddingStore>().ReadAsync("champion-a", EmbeddingStore.PoolSet(partition));
        Assert.NotNull(stored);
        Assert.Equal(28 * 28, stored.Dimensions);
    }

    [Fact]
    public async Task A_round_with_label_propagation_calibrates_the_propagated_scores_and_its_shards_accept_by_them()
    {
        await using var fixture = await HostFixture.CreateAsync();
        var client = fixture.Factory.CreateClient();
        await RoundScenario.SeedAsync(fixture, client, embedding: true);

        // Only exact copies count as near-duplicates and no image as an outlier, so propagation alone decides.
        var result = await RoundScenario.CompleteRoundAsync(fixture, client, new
        {
            epochs = 1, batchSize = 64, targetPrecision = 0.8, trainingTimeout = "00:05:00", gate = new { minimumGain = 0.9 },
            view = new { nearDuplicateSimilarity = 1.0, outlierPercentile = (double?)null, propagation = new { neighbours = 8 } },
        });
        // The candidate is student-{round}a{attempt}.
        var roundId = result.GetProperty("candidate").GetString()!["student-".Length..^"a1".Length];

        // The graph: gold/train, gold/validation and every pool image, the pool seeded by the champion that labelled it.
        var propagation = result.GetProperty("propagation");
        Assert.Equal(RoundScenario.GoldTrain + RoundScenario.Validation + RoundScenario.Pool, propagation.GetProperty("images").GetInt32());
        Assert.Equal(RoundScenario.Pool, propagation.GetProperty("poolImages").GetInt32());
        Assert.Equal(RoundScenario.Pool, propagation.GetProperty("poolSeeded").GetInt32());
        var thresholds = propagation.GetProperty("thresholds").EnumerateArray().Select(t => t.GetProperty("threshold").GetDouble()).ToArray();
        Assert.Equal(FashionMnist.ClassNames.Count, thresholds.Length);

        // Each shard holds exactly the pool images whose propagated scores pass their class's threshold, labelled by
        // the teacher's probabilities where it names the same class and by the propagated scores where they overrule it.
        var scoreStore = fixture.Factory.Services.GetRequiredService<PropagatedScoreStore>();
        var shards = fixture.Scope.Account.Blobs.GetBlobContainerClient(fixture.Scope.Layout.Shards);
        var rows = await fixture.Labels.ReadAllAsync().ToDictionaryAsync(r => r.Content.Hex, StringComparer.Ordinal);
        var partitions = rows.Values.Select(r => fixture.Labels.PartitionOf(r.Content)).Distinct().ToList();
        var (expected, taken) = (new List<float[]>(), new List<float[]>());
        foreach (var partition in partitions)
        {
            var scores = await scoreStore.ReadAsync(roundId, partition);
            Assert.NotNull(scores);
            for (var row = 0; row < scores.Count; row++)
            {
                var distribution = scores[row].ToArray();
                var c = Array.IndexOf(distribution, distribution.Max());
                Assert.Equal(1f, distribution.Sum(), 3);
                if (distribution[c] < thresholds[c]) continue;
                var teacher = rows[scores.Keys[row]].Prediction!;
                expected.Add(teacher.ClassIndex == c ? teacher.Probabilities : distribution);
            }
            var shard = shards.GetBlobClient(ShardBuilder.PoolShard(roundId, partition));
            if (!await shard.ExistsAsync()) continue;
            await using var stream = await shard.OpenReadAsync();
            taken.AddRange((await ShardReader.ReadAllAsync(stream, partition)).Samples.Select(s => s.Probabilities!));
        }
        var pool = result.GetProperty("pool");
        Assert.InRange(expected.Count, 1, RoundScenario.Pool - 1); // the thresholds take some images and leave others
        Assert.Equal(expected.Count, pool.GetProperty("accepted").GetInt32());
        Assert.Equal(RoundScenario.Pool - expected.Count, pool.GetProperty("belowThreshold").GetInt32());
        static string Key(float[] p) => string.Join(",", p.Select(x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(expected.Select(Key).Order(), taken.Select(Key).Order());

        // What the teacher alone would have accepted is counted beside, and the report shows both.
        Assert.Equal(FashionMnist.ClassNames.Count, pool.GetProperty("teacherPerClass").GetArrayLength());
        var runs = fixture.Scope.Account.Blobs.GetBlobContainerClient(fixture.Scope.Layout.Runs);
        var report = (await runs.GetBlobClient($"{roundId}/report.md").DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("## Label propagation", report);
        Assert.Contains($"A k-NN graph over {RoundScenario.GoldTrain + RoundScenario.Validation + RoundScenario.Pool} images", report);
    }
}
