using Microsoft.Extensions.DependencyInjection;
using SelfTrain.Core;
using SelfTrain.Serving;
using SelfTrain.Storage;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

/// <summary>The local host's watcher is both the trigger and the safety net for <c>incoming/</c>.</summary>
public sealed class IncomingWatcherTests
{
    /// <summary>Listings an hour apart, so only a notice (checked every 100 ms) or a new champion can start one in a test.</summary>
    private static readonly Dictionary<string, string> ListingsAnHourApart = new()
    {
        ["Serving:IncomingPollInterval"] = "01:00:00",
        ["Serving:IncomingIdlePollInterval"] = "01:00:00",
        ["Serving:IncomingNoticeInterval"] = "00:00:00.100",
    };

    /// <summary>Starts the host if it has not started and waits for the watcher's first pass; returns the loops' status.</summary>
    private static async Task<BackgroundLoopStatus> WatcherFirstPassAsync(HostFixture fixture, string what)
    {
        var loops = fixture.Factory.Services.GetRequiredService<BackgroundLoopStatus>();
        await Eventually.HoldsAsync(() => loops.Snapshot().Any(l => l.Name == "incoming-watcher" && l.LastSuccess is not null), TimeSpan.FromSeconds(30), what);
        return loops;
    }

    [Fact]
    public async Task A_host_stopped_mid_burst_and_restarted_labels_every_blob_exactly_once()
    {
        // Small batches and few downloads, so the first host is still busy when it stops.
        await using var fixture = await HostFixture.CreateAsync(new Dictionary<string, string>
        {
            ["Serving:BatchSize"] = "8",
            ["Serving:DownloadConcurrency"] = "2",
        });
        // Read without the host, which starts only when something asks it for a service.
        var labels = new LabelStore(fixture.Scope.Account, fixture.Scope.Layout);
        var incoming = fixture.Scope.Account.Blobs.GetBlobContainerClient(fixture.Scope.Layout.Incoming);
        await incoming.CreateIfNotExistsAsync();
        await fixture.Models.RegisterChampionAsync(new LinearTestModel("champion-1", classes: 10, width: 28, height: 28));
        // Enough images that labelling them all takes far longer than stopping a host (400 took under 2 s here).
        var images = Enumerable.Range(0, 3000).ToDictionary(i => $"burst/{i:D4}.png", i => TestImages.Png(28, 28, seed: 1000 + i, gray: true));
        await Parallel.ForEachAsync(images, async (image, _) => await incoming.GetBlobClient(image.Key).UploadAsync(BinaryData.FromBytes(image.Value)));

        await fixture.WaitForChampionAsync(fixture.Factory.CreateClient(), "champion-1");
        await Eventually.HoldsAsync(async () => await labels.CountAsync() >= 40, TimeSpan.FromSeconds(60), "40 images labelled");
        await fixture.RestartAsync();
        var labelledBeforeRestart = await labels.CountAsync();
        Assert.InRange(labelledBeforeRestart, 40, images.Count - 1); // really stopped in the middle

        fixture.Factory.CreateClient(); // starts the restarted host
        await Eventually.HoldsAsync(async () => await labels.CountAsync() == images.Count, TimeSpan.FromSeconds(240), "every image labelled");

        var rows = await labels.ReadAllAsync().ToListAsync();
        Assert.Equal(images.Keys.Order(), rows.SelectMany(r => r.BlobNames).Order()); // every blob once, none twice
        foreach (var (name, bytes) in images)
            Assert.Equal([name], rows.Single(r => r.Content == ContentAddress.Of(bytes)).BlobNames);
        // Every blob checkpointed, so a later pass labels none again: before the sweep's watermark, or marked with its hash.
        async Task<List<Azure.Storage.Blobs.Models.BlobItem>> ListAsync() =>
            await incoming.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.Metadata, Azure.Storage.Blobs.Models.BlobStates.None, null, CancellationToken.None).ToListAsync();
        await Eventually.HoldsAsync(async () =>
        {
            var watermark = (await IncomingWatermark.ReadAsync(incoming, CancellationToken.None))!;
            return (await ListAsync()).All(watermark.Covers);
        }, TimeSpan.FromSeconds(60), "every blob checkpointed");
        foreach (var blob in await ListAsync())
            if (blob.Metadata.TryGetValue(ImageLabeler.CheckpointMetadata, out var mark))
                Assert.Equal(ContentAddress.Of(images[blob.Name]).Hex, mark);
    }

    [Fact]
    public async Task An_upload_with_its_notice_is_labelled_at_once_though_the_next_listing_is_an_hour_away()
    {
        await using var fixture = await HostFixture.CreateAsync(ListingsAnHourApart);
        var labels = new LabelStore(fixture.Scope.Account, fixture.Scope.Layout);
        var incoming = fixture.Scope.Account.Blobs.GetBlobContainerClient(fixture.Scope.Layout.Incoming);
        await fixture.Models.RegisterChampionAsync(new LinearTestModel("champion-1", classes: 10, width: 28, height: 28));
        await fixture.WaitForChampionAsync(fixture.Factory.CreateClient(), "champion-1");
        var loops = await WatcherFirstPassAsync(fixture, "the watcher's first listing, which found nothing");

        await incoming.CreateIfNotExistsAsync();
        await incoming.GetBlobClient("after-a-quiet-spell.png").UploadAsync(BinaryData.FromBytes(TestImages.Png(28, 28, seed: 7, gray: true)));
        var notices = new IncomingNotices(fixture.Scope.Account, fixture.Scope.Layout);
        // The watcher creates the queue on its first check of the wait, so the first notice may find none yet.
        await Eventually.HoldsAsync(() => notices.UploadedAsync(force: true), TimeSpan.FromSeconds(10), "a notice left");

        await Eventually.HoldsAsync(async () => await labels.CountAsync() == 1, TimeSpan.FromSeconds(30), "the image labelled",
            () => string.Join("; ", loops.Snapshot()));
    }

    [Fact]
    public async Task A_captured_prediction_leaves_a_notice_so_its_image_is_labelled_though_the_next_listing_is_an_hour_away()
    {
        await using var fixture = await HostFixture.CreateAsync(ListingsAnHourApart);
        var client = fixture.Factory.CreateClient();
        await fixture.Models.RegisterChampionAsync(new LinearTestModel("champion-1", classes: 10, width: 28, height: 28));
        await fixture.WaitForChampionAsync(client, "champion-1");
        var loops = await WatcherFirstPassAsync(fixture, "the watcher's first listing, which found nothing");
        // The watcher creates the notices queue on its first check of the wait.
        var queue = fixture.Scope.Account.Queues.GetQueueClient(fixture.Scope.Layout.IncomingNotices);
        await Eventually.HoldsAsync(async () => (await queue.ExistsAsync()).Value, TimeSpan.FromSeconds(10), "the notices queue");

        var png = TestImages.Png(28, 28, seed: 9, gray: true);
        using var content = new ByteArrayContent(png);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
        using var response = await client.PostAsync("/api/predict?capture=true", content);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);

        await Eventually.HoldsAsync(async () => await fixture.Labels.GetAsync(ContentAddress.Of(png)) is not null, TimeSpan.FromSeconds(30),
            "the captured image labelled", () => string.Join("; ", loops.Snapshot()));
    }

    [Fact]
    public async Task Images_that_waited_for_the_first_champion_are_labelled_when_it_serves_though_idle_listings_are_an_hour_apart()
    {
        await using var fixture = await HostFixture.CreateAsync(ListingsAnHourApart);
        var labels = new LabelStore(fixture.Scope.Account, fixture.Scope.Layout);
        var incoming = fixture.Scope.Account.Blobs.GetBlobContainerClient(fixture.Scope.Layout.Incoming);
        await incoming.CreateIfNotExistsAsync();
        var images = Enumerable.Range(0, 5).Select(i => TestImages.Png(28, 28, seed: 200 + i, gray: true)).ToArray();
        for (var i = 0; i < images.Length; i++) await incoming.GetBlobClient($"early/{i}.png").UploadAsync(BinaryData.FromBytes(images[i]));

        var client = fixture.Factory.CreateClient(); // starts the host, with nothing to serve
        var loops = await WatcherFirstPassAsync(fixture, "the watcher's first pass, with no champion");
        Assert.Equal(0, await labels.CountAsync());

        await fixture.Models.RegisterChampionAsync(new LinearTestModel("champion-1", classes: 10, width: 28, height: 28));
        await fixture.WaitForChampionAsync(client, "champion-1");
        await Eventually.HoldsAsync(async () => await labels.CountAsync() == images.Length, TimeSpan.FromSeconds(30), "every waiting image labelled",
            () => string.Join("; ", loops.Snapshot()));
    }
}
