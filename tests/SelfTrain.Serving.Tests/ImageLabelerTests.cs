using SelfTrain.Core;
using SelfTrain.Core.Labels;
using SelfTrain.Inference;
using SelfTrain.Testing;

namespace SelfTrain.Serving.Tests;

public sealed class ImageLabelerTests
{
    [Fact]
    public async Task Every_bad_input_is_quarantined_with_its_own_reason_while_good_images_beside_it_are_labelled()
    {
        await using var fixture = await ServingFixture.CreateAsync(new ServingOptions { BatchSize = 16, MaxImageBytes = 60_000 });
        var good = Enumerable.Range(0, 6).ToDictionary(i => $"good/{i}.png", i => TestImages.Png(28, 28, seed: i, gray: true));
        var bad = new Dictionary<string, (byte[] Bytes, RejectionReason Reason)>
        {
            ["bad/empty.png"] = ([], RejectionReason.Empty),
            ["bad/notes.txt"] = (TestImages.NotAnImage(), RejectionReason.NotAnImage),
            ["bad/icon.wbmp"] = (TestImages.Wbmp(), RejectionReason.UnsupportedFormat),
            ["bad/bomb.bmp"] = (TestImages.BmpHeader(10_000, 10_000), RejectionReason.TooManyPixels),
            ["bad/cut.png"] = (TestImages.TruncatedPng(), RejectionReason.Truncated),
            ["bad/garbled.png"] = (TestImages.CorruptPng(), RejectionReason.Corrupt),
            ["bad/huge.png"] = (TestImages.Png(200, 200, seed: 9), RejectionReason.TooManyBytes), // ~120 KB > 60 KB
        };
        foreach (var (name, bytes) in good) await fixture.UploadAsync(name, bytes);
        foreach (var (name, (bytes, _)) in bad) await fixture.UploadAsync(name, bytes);

        Assert.Equal(13, await fixture.Sweeper().SweepAsync(TimeSpan.Zero));

        foreach (var (name, bytes) in good)
        {
            var row = (await fixture.Labels.GetAsync(ContentAddress.Of(bytes)))!;
            Assert.Equal((LabelStatus.Labelled, "champion-1"), (row.Status, row.ModelVersion));
            Assert.Equal([name], row.BlobNames);
            Assert.True(await fixture.Incoming.GetBlobClient(name).ExistsAsync());
        }
        foreach (var (name, (bytes, reason)) in bad)
        {
            Assert.False(await fixture.Incoming.GetBlobClient(name).ExistsAsync(), $"{name} is still in incoming/");
            var quarantined = await fixture.Quarantine.GetBlobClient(name).GetPropertiesAsync();
            Assert.Equal(reason.ToString(), quarantined.Value.Metadata[ImageLabeler.ReasonMetadata]);
            Assert.False(string.IsNullOrWhiteSpace(quarantined.Value.Metadata[ImageLabeler.DetailMetadata]));
            Assert.Equal(bytes.Length, quarantined.Value.ContentLength); // nothing lost
            var row = (await fixture.Labels.GetAsync(ContentAddress.Of(bytes)))!;
            Assert.Equal((LabelStatus.Rejected, reason.ToString()), (row.Status, row.RejectionReason));
        }
        Assert.Equal(0, await fixture.Sweeper().SweepAsync(TimeSpan.Zero)); // nothing is retried
    }

    [Fact]
    public async Task The_same_blob_delivered_twice_leaves_the_store_as_if_delivered_once()
    {
        await using var fixture = await ServingFixture.CreateAsync();
        var png = TestImages.Png(28, 28, seed: 1, gray: true);
        await fixture.UploadAsync("a.png", png);

        var first = (await fixture.Labeler.LabelBlobAsync("a.png"))!;
        var afterFirst = await fixture.Labels.ReadAllAsync().ToListAsync();
        var second = (await fixture.Labeler.LabelBlobAsync("a.png"))!;
        var afterSecond = await fixture.Labels.ReadAllAsync().ToListAsync();

        Assert.Equal(first.Prediction!.Probabilities, second.Prediction!.Probabilities);
        var row = Assert.Single(afterSecond);
        Assert.Equal(["a.png"], row.BlobNames);
        Assert.Equal(Assert.Single(afterFirst).LabelledAt, row.LabelledAt); // the row was not rewritten
    }

    [Fact]
    public async Task A_bad_blob_delivered_twice_is_quarantined_once_and_lost_never()
    {
        await using var fixture = await ServingFixture.CreateAsync();
        await fixture.UploadAsync("junk.png", TestImages.NotAnImage());
        Assert.NotNull(await fixture.Labeler.LabelBlobAsync("junk.png"));
        Assert.Null(await fixture.Labeler.LabelBlobAsync("junk.png")); // moved to quarantine by the first

        Assert.True(await fixture.Quarantine.GetBlobClient("junk.png").ExistsAsync());
        Assert.Equal(["junk.png"], Assert.Single(await fixture.Labels.ReadAllAsync().ToListAsync()).BlobNames);
    }

    [Fact]
    public async Task Without_a_champion_images_wait_in_incoming()
    {
        await using var fixture = await ServingFixture.CreateAsync(withChampion: false);
        await fixture.UploadAsync("a.png", TestImages.Png(28, 28, seed: 1, gray: true));

        await Assert.ThrowsAsync<NoChampionException>(() => fixture.Sweeper().SweepAsync(TimeSpan.Zero));

        Assert.True(await fixture.Incoming.GetBlobClient("a.png").ExistsAsync());
        Assert.Empty(await fixture.Labels.ReadAllAsync().ToListAsync());

        await fixture.Models.RegisterChampionAsync(new LinearTestModel("late", classes: 10, width: 28, height: 28));
        await fixture.Loader.RefreshAsync();
        Assert.Equal(1, await fixture.Sweeper().SweepAsync(TimeSpan.Zero));
    }

    [Fact]
    public async Task An_overwritten_blob_is_labelled_again()
    {
        await using var fixture = await ServingFixture.CreateAsync();
        var before = TestImages.Png(28, 28, seed: 1, gray: true);
        var after = TestImages.Png(28, 28, seed: 2, gray: true);
        await fixture.UploadAsync("a.png", before);
        Assert.Equal(1, await fixture.Sweeper().SweepAsync(TimeSpan.Zero));

        await fixture.UploadAsync("a.png", after);
        Assert.Equal(1, await fixture.Sweeper().SweepAsync(TimeSpan.Zero));

        Assert.NotNull(await fixture.Labels.GetAsync(ContentAddress.Of(before)));
        Assert.Equal(["a.png"], (await fixture.Labels.GetAsync(ContentAddress.Of(after)))!.BlobNames);
    }
}
