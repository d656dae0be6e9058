using Azure;
using SelfTrain.Core;
using SelfTrain.Core.Labels;
using SelfTrain.Testing;

namespace SelfTrain.Storage.Tests;

public sealed class LabelStoreTests
{
    private static readonly string[] Classes = ["a", "b", "c"];

    private static LabelRecord Labelled(string content, string blobName) => new()
    {
        Content = ContentAddress.Of(System.Text.Encoding.UTF8.GetBytes(content)),
        BlobNames = [blobName],
        Status = LabelStatus.Labelled,
        LabelledAt = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero),
        ModelVersion = "m1",
        Prediction = Prediction.FromProbabilities([0.1f, 0.7f, 0.2f], Classes),
        Width = 28,
        Height = 28,
    };

    [Fact]
    public async Task A_row_keeps_everything_the_label_says()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var store = new LabelStore(scope.Account, scope.Layout);
        var record = Labelled("x", "incoming/x.png");

        await store.RecordAsync([record]);
        var row = (await store.GetAsync(record.Content))!;

        Assert.Equal(["incoming/x.png"], row.BlobNames);
        Assert.Equal(LabelStatus.Labelled, row.Status);
        Assert.Equal("m1", row.ModelVersion);
        Assert.Equal(record.LabelledAt, row.LabelledAt);
        Assert.Equal((28, 28), (row.Width, row.Height));
        Assert.Equal(1, row.Prediction!.ClassIndex);
        Assert.Equal("b", row.Prediction.Label);
        Assert.Equal(0.5f, row.Prediction.Margin, 1e-6f);
        Assert.Equal(record.Prediction!.Entropy, row.Prediction.Entropy, 1e-6f);
        Assert.Equal(0.7f, row.Prediction.Probabilities[1], 1e-3f);
    }

    [Fact]
    public async Task One_image_uploaded_twice_is_one_row_listing_both_names()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var store = new LabelStore(scope.Account, scope.Layout);

        await store.RecordAsync([Labelled("same", "one.png"), Labelled("other", "other.png")]);
        await store.RecordAsync([Labelled("same", "two.png")]);
        await store.RecordAsync([Labelled("same", "one.png")]); // a redelivery changes nothing

        var rows = await store.ReadAllAsync().ToListAsync();
        Assert.Equal(2, rows.Count);
        Assert.Equal(["one.png", "two.png"], rows.Single(r => r.Content == ContentAddress.Of("same"u8)).BlobNames);
    }

    [Fact]
    public async Task Same_bytes_twice_in_one_batch_is_one_row()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var store = new LabelStore(scope.Account, scope.Layout);
        await store.RecordAsync([Labelled("same", "one.png"), Labelled("same", "two.png")]);
        Assert.Equal(["one.png", "two.png"], (await store.GetAsync(ContentAddress.Of("same"u8)))!.BlobNames);
    }

    [Fact]
    public async Task Concurrent_uploads_of_the_same_image_lose_no_name()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var store = new LabelStore(scope.Account, scope.Layout);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => store.RecordAsync([Labelled("hot", $"copy-{i}.png")])));
        var row = (await store.GetAsync(ContentAddress.Of("hot"u8)))!;
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"copy-{i}.png").Order(), row.BlobNames.Order());
    }

    [Fact]
    public async Task A_large_batch_spreads_over_partitions_and_is_written_whole()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var store = new LabelStore(scope.Account, scope.Layout);
        var records = Enumerable.Range(0, 450).Select(i => Labelled($"img-{i}", $"{i}.png")).ToArray();

        await store.RecordAsync(records);

        var perPartition = await Task.WhenAll(store.Partitions.Select(async p => await store.ReadPartitionAsync(p).CountAsync()));
        Assert.Equal(450, perPartition.Sum());
        Assert.All(perPartition, n => Assert.InRange(n, 20, 100)); // 8 buckets, ~56 each
    }

    [Fact]
    public async Task Rejected_rows_carry_their_reason()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var store = new LabelStore(scope.Account, scope.Layout);
        var rejected = new LabelRecord
        {
            Content = ContentAddress.Of("junk"u8), BlobNames = ["junk.png"], Status = LabelStatus.Rejected,
            LabelledAt = DateTimeOffset.UnixEpoch, RejectionReason = "NotAnImage", RejectionDetail = "not an image",
        };
        await store.RecordAsync(rejected);
        var row = (await store.GetAsync(rejected.Content))!;
        Assert.Equal((LabelStatus.Rejected, "NotAnImage", "not an image"), (row.Status, row.RejectionReason, row.RejectionDetail));
        Assert.Null(row.Prediction);
    }

    [Fact]
    public async Task A_table_outage_at_start_up_is_not_remembered()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var outage = new StorageOutage(403); // as while the app's role assignment propagates
        var store = new LabelStore(StorageAccount.FromConnectionString(AzuriteStorage.ConnectionString, outage), scope.Layout);
        var record = new LabelRecord
        {
            Content = ContentAddress.Of([1, 2, 3]), BlobNames = ["a.png"], Status = LabelStatus.Rejected, RejectionReason = "Empty",
            RejectionDetail = "test", LabelledAt = DateTimeOffset.UnixEpoch,
        };

        outage.Begin();
        await Assert.ThrowsAsync<RequestFailedException>(() => store.RecordAsync([record]));
        outage.End();
        await store.RecordAsync([record]);

        Assert.Equal(LabelStatus.Rejected, (await store.GetAsync(record.Content))!.Status);
    }

    [Fact]
    public async Task The_census_counts_every_row_by_status_class_labelling_model_and_reason()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var store = new LabelStore(scope.Account, scope.Layout);
        // Rows across partitions, labelled by two versions, some with another class on top.
        var rows = Enumerable.Range(0, 30).Select(i => Labelled($"image {i}", $"{i}.png") with
        {
            ModelVersion = i < 20 ? "m1" : "m2",
            Prediction = Prediction.FromProbabilities(i % 3 == 0 ? [0.8f, 0.1f, 0.1f] : [0.1f, 0.7f, 0.2f], Classes),
        }).ToList();
        rows.AddRange(Enumerable.Range(0, 4).Select(i => new LabelRecord
        {
            Content = ContentAddress.Of([(byte)i, 9]), BlobNames = [$"bad-{i}.png"], Status = LabelStatus.Rejected,
            LabelledAt = DateTimeOffset.UnixEpoch, RejectionReason = i == 0 ? "Empty" : "NotAnImage", RejectionDetail = "test",
        }));
        await store.RecordAsync(rows);
        var before = DateTimeOffset.UtcNow;

        var census = await store.CensusAsync(TimeProvider.System);

        Assert.Equal((30L, 4L), (census.Labelled, census.Rejected));
        Assert.Equal(new Dictionary<string, long> { ["a"] = 10, ["b"] = 20 }, census.LabelledByClass);
        Assert.Equal(new Dictionary<string, long> { ["m1"] = 20, ["m2"] = 10 }, census.LabelledByModel);
        Assert.Equal(new Dictionary<string, long> { ["Empty"] = 1, ["NotAnImage"] = 3 }, census.RejectedByReason);
        Assert.InRange(census.CountedAt, before, DateTimeOffset.UtcNow);
    }
}
