using SelfTrain.Core;
using SelfTrain.Core.Labels;
using SelfTrain.Core.Shards;
using SelfTrain.Inference;
using SelfTrain.Serving;
using SelfTrain.Storage;
using SelfTrain.Testing;
using SelfTrain.Workflow.Round;
using SelfTrain.Workflow.Round.Steps;

namespace SelfTrain.Workflow.Tests;

/// <summary>The shard step: the teacher judges every labelled pool image, and students get the channels they asked for.</summary>
public sealed class ShardBuilderTests
{
    private const int Images = 40, Side = 8, Classes = 3;

    [Fact]
    public async Task Rows_another_version_labelled_are_relabelled_by_the_teacher_and_shards_hold_rgb_pixels()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var (builder, labels, teacher, pngs) = await SeedAsync(scope);

        var counts = ShardCounts.Sum(await Task.WhenAll(labels.Partitions.Select(p =>
            builder.BuildPoolShardAsync(new ShardRequest("round", p, "teacher", null, Side, Classes, Channels: 3)))), Classes);

        Assert.Equal((Images, 0, 0, Images / 2), (counts.Accepted, counts.BelowThreshold, counts.Unusable, counts.Relabelled));
        using var model = OnnxClassifier.Load(teacher.Onnx, teacher.Manifest, new InferenceOptions());
        var expected = ImageClassifier.Classify(model, pngs, ImageLimits.Default);
        for (var i = 0; i < Images; i++)
        {
            var row = (await labels.GetAsync(ContentAddress.Of(pngs[i])))!;
            Assert.Equal("teacher", row.ModelVersion);
            // The teacher's own rows are kept as they were; the earlier champion's now hold the teacher's prediction.
            Assert.Equal(i % 2 == 0 ? 0 : expected[i].Prediction!.ClassIndex, row.Prediction!.ClassIndex);
        }

        var shards = scope.Account.Blobs.GetBlobContainerClient(scope.Layout.Shards);
        var blob = shards.GetBlobClient(ShardBuilder.PoolShard("round", labels.Partitions.First(p => Exists(shards, p))));
        await using var stream = await blob.OpenReadAsync();
        var (header, samples) = await ShardReader.ReadAllAsync(stream, blob.Name);
        Assert.Equal((3, Side, Side), (header.Channels, header.Height, header.Width));
        // Colour noise: the red and green planes of a sample differ, as they would not in a gray copy.
        Assert.All(samples, s => Assert.False(s.Pixels.AsSpan(0, Side * Side).SequenceEqual(s.Pixels.AsSpan(Side * Side, Side * Side))));
    }

    [Fact]
    public async Task Relabelled_rows_are_judged_by_the_thresholds_like_the_teacher_s_own()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var (builder, labels, _, _) = await SeedAsync(scope);
        var never = Enumerable.Repeat(1.01, Classes).ToArray();

        var counts = ShardCounts.Sum(await Task.WhenAll(labels.Partitions.Select(p =>
            builder.BuildPoolShardAsync(new ShardRequest("round", p, "teacher", never, Side, Classes, Channels: 3)))), Classes);

        Assert.Equal((0, Images, Images / 2), (counts.Accepted, counts.BelowThreshold, counts.Relabelled));
        var shards = scope.Account.Blobs.GetBlobContainerClient(scope.Layout.Shards);
        Assert.DoesNotContain(labels.Partitions, p => Exists(shards, p)); // nothing accepted: no shard written
    }

    [Fact]
    public async Task With_a_second_opinion_each_sample_carries_the_mean_of_both_models_and_rows_keep_the_teacher_s_label()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var (builder, labels, teacher, pngs) = await SeedAsync(scope);
        var elder = new LinearTestModel("elder", Classes, Side, Side, seed: 7, channels: 3);
        await new ModelStore(scope.Account, scope.Layout).SaveAsync(elder.Onnx, elder.Manifest);

        var counts = ShardCounts.Sum(await Task.WhenAll(labels.Partitions.Select(p =>
            builder.BuildPoolShardAsync(new ShardRequest("round", p, "teacher", null, Side, Classes, Channels: 3, SecondOpinion: "elder")))), Classes);

        Assert.Equal((Images, Images / 2), (counts.Accepted, counts.Relabelled));
        // What each sample should carry: the teacher's row (its own half as stored, the other half as it relabelled
        // them) averaged with the elder's view of the same image.
        using var elderModel = OnnxClassifier.Load(elder.Onnx, elder.Manifest, new InferenceOptions());
        var elderViews = ImageClassifier.Classify(elderModel, pngs, ImageLimits.Default);
        var expected = new List<float[]>();
        for (var i = 0; i < Images; i++)
        {
            var row = (await labels.GetAsync(ContentAddress.Of(pngs[i])))!;
            Assert.Equal("teacher", row.ModelVersion); // the committee's view goes into the shard, not the row
            expected.Add(Committee.Mean([row.Prediction!.Probabilities, elderViews[i].Prediction!.Probabilities]));
        }
        var shards = scope.Account.Blobs.GetBlobContainerClient(scope.Layout.Shards);
        var carried = new List<float[]>();
        foreach (var partition in labels.Partitions.Where(p => Exists(shards, p)))
        {
            var blob = shards.GetBlobClient(ShardBuilder.PoolShard("round", partition));
            await using var stream = await blob.OpenReadAsync();
            carried.AddRange((await ShardReader.ReadAllAsync(stream, blob.Name)).Samples.Select(s => s.Probabilities!));
        }
        // The elder's view mattered: no sample carries the teacher's stored row alone.
        Assert.DoesNotContain(carried, p => p.Zip(new[] { 0.9f, 0.05f, 0.05f }).All(x => Math.Abs(x.First - x.Second) < 1e-3));
        // Each expected vector is carried by exactly one sample (shards store probabilities at reduced precision).
        Assert.Equal(expected.Count, carried.Count);
        foreach (var vector in expected)
        {
            var match = carried.FindIndex(c => c.Zip(vector).All(x => Math.Abs(x.First - x.Second) < 1e-3));
            Assert.True(match >= 0, $"no sample carries [{string.Join(", ", vector)}]");
            carried.RemoveAt(match);
        }
    }

    private static bool Exists(Azure.Storage.Blobs.BlobContainerClient shards, string partition) =>
        shards.GetBlobClient(ShardBuilder.PoolShard("round", partition)).Exists().Value;

    /// <summary>A champion "teacher" on RGB 8×8 images, and pool rows labelled half by it and half by an earlier champion.</summary>
    private static async Task<(ShardBuilder Builder, LabelStore Labels, LinearTestModel Teacher, byte[][] Pngs)> SeedAsync(StorageTestScope scope)
    {
        var (account, layout) = (scope.Account, scope.Layout);
        var models = new ModelStore(account, layout);
        var teacher = new LinearTestModel("teacher", Classes, Side, Side, channels: 3);
        await models.RegisterChampionAsync(teacher);
        var labels = new LabelStore(account, layout);
        var incoming = account.Blobs.GetBlobContainerClient(layout.Incoming);
        await incoming.CreateIfNotExistsAsync();
        var pngs = Enumerable.Range(0, Images).Select(i => TestImages.Png(Side, Side, seed: i)).ToArray();
        var rows = new List<LabelRecord>();
        for (var i = 0; i < Images; i++)
        {
            await incoming.GetBlobClient($"pool-{i}.png").UploadAsync(new BinaryData(pngs[i]));
            float[] probabilities = [0.9f, 0.05f, 0.05f];
            rows.Add(new LabelRecord
            {
                Content = ContentAddress.Of(pngs[i]),
                BlobNames = [$"pool-{i}.png"],
                Status = LabelStatus.Labelled,
                LabelledAt = DateTimeOffset.UnixEpoch,
                ModelVersion = i % 2 == 0 ? "teacher" : "earlier-champion",
                Prediction = Prediction.FromProbabilities(probabilities, teacher.Classes),
                Width = Side,
                Height = Side,
            });
        }
        await labels.RecordAsync(rows);
        var builder = new ShardBuilder(account, layout, labels, new GoldStore(account, layout), new ModelLoader(models, new InferenceOptions()), new ServingOptions(),
            new EmbeddingStore(account, layout), new PropagatedScoreStore(account, layout));
        return (builder, labels, teacher, pngs);
    }
}
