using System.Text.Json;
using Azure;
using Azure.Core;
using Microsoft.Extensions.Logging.Abstractions;
using SelfTrain.Core;
using SelfTrain.Core.Labels;
using SelfTrain.Storage;
using SelfTrain.Testing;

namespace SelfTrain.Serving.Tests;

/// <summary>Nothing uploaded is lost: whatever no delivery labelled, the sweep does.</summary>
public sealed class IncomingSweeperTests
{
    /// <summary>The system clock moved forward, so blobs written now look old to the sweep.</summary>
    private sealed class LaterClock(TimeSpan later) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + later;
    }

    [Fact]
    public async Task The_sweep_labels_unmarked_blobs_once_they_are_older_than_its_age()
    {
        await using var fixture = await ServingFixture.CreateAsync();
        var delivered = TestImages.Png(28, 28, seed: 1, gray: true);
        var missed = TestImages.Png(28, 28, seed: 2, gray: true);
        await fixture.UploadAsync("delivered.png", delivered);
        await fixture.UploadAsync("missed.png", missed);
        Assert.NotNull(await fixture.Labeler.LabelBlobAsync("delivered.png")); // the trigger's delivery

        Assert.Equal(0, await fixture.Sweeper().SweepAsync(TimeSpan.FromMinutes(10))); // too young: its event may be on the way
        Assert.Equal(1, await fixture.Sweeper(new LaterClock(TimeSpan.FromMinutes(11))).SweepAsync(TimeSpan.FromMinutes(10)));

        Assert.Equal(["missed.png"], (await fixture.Labels.GetAsync(ContentAddress.Of(missed)))!.BlobNames);
        Assert.Equal(2, await fixture.Labels.CountAsync());
    }

    [Fact]
    public async Task A_pass_checkpoints_by_its_watermark_so_the_next_labels_only_what_changed_since()
    {
        await using var fixture = await ServingFixture.CreateAsync();
        var first = TestImages.Png(28, 28, seed: 11, gray: true);
        var second = TestImages.Png(28, 28, seed: 12, gray: true);
        await fixture.UploadAsync("a.png", first);
        await fixture.UploadAsync("b.png", second);
        // Blob times are whole seconds: once the storage's clock is in a later second, a pass's watermark covers both.
        var uploaded = await fixture.Incoming.GetBlobsAsync().Select(b => b.Properties.LastModified!.Value).MaxAsync();
        await Eventually.HoldsAsync(async () => (await IncomingWatermark.ReadAsync(fixture.Incoming, default))!.StorageTime >= uploaded.AddSeconds(1),
            TimeSpan.FromSeconds(10), "the storage's clock a second past the uploads");

        Assert.Equal(2, await fixture.Sweeper().SweepAsync(TimeSpan.Zero));

        var watermark = (await IncomingWatermark.ReadAsync(fixture.Incoming, default))!;
        var blobs = await fixture.Incoming.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.Metadata, Azure.Storage.Blobs.Models.BlobStates.None, null, default).ToListAsync();
        Assert.All(blobs, blob => Assert.False(blob.Metadata.ContainsKey(ImageLabeler.CheckpointMetadata), $"{blob.Name} marked one by one"));
        Assert.All(blobs, blob => Assert.True(watermark.Covers(blob), $"{blob.Name} at {blob.Properties.LastModified:O}, watermark {watermark.Value:O}"));
        Assert.Equal(0, await fixture.Sweeper().SweepAsync(TimeSpan.Zero)); // nothing labelled twice

        var replaced = TestImages.Png(28, 28, seed: 13, gray: true);
        await fixture.UploadAsync("a.png", replaced); // a newer version is modified after the watermark
        Assert.Equal(1, await fixture.Sweeper().SweepAsync(TimeSpan.Zero));
        Assert.Equal(["a.png"], (await fixture.Labels.GetAsync(ContentAddress.Of(replaced)))!.BlobNames);
        Assert.Equal(3, await fixture.Labels.CountAsync());
    }

    [Fact]
    public async Task A_pass_whose_images_outweigh_its_byte_budget_many_times_labels_them_all()
    {
        // A budget of 1 MiB: each of these images takes a share of it before its download, one of them more than all
        // of it; downloads wait for batches to be labelled rather than hold more.
        await using var fixture = await ServingFixture.CreateAsync(new ServingOptions { BatchSize = 16, MaxPendingImageBytes = 1024 * 1024 });
        var images = Enumerable.Range(0, 10).Select(i => TestImages.Png(i == 0 ? 800 : 300, i == 0 ? 800 : 300, seed: 100 + i)).ToArray();
        Assert.True(images[0].Length > 1024 * 1024, $"{images[0].Length} bytes");
        Assert.True(images.Sum(i => (long)i.Length) > 3 * 1024 * 1024, $"{images.Sum(i => (long)i.Length)} bytes in all");
        for (var i = 0; i < images.Length; i++) await fixture.UploadAsync($"large-{i}.png", images[i]);

        Assert.Equal(images.Length, await fixture.Sweeper(new LaterClock(TimeSpan.FromMinutes(11))).SweepAsync(TimeSpan.FromMinutes(10)));

        var rows = await fixture.Labels.ReadAllAsync().ToListAsync();
        Assert.Equal(images.Select(i => ContentAddress.Of(i).Hex).Order(StringComparer.Ordinal), rows.Select(r => r.Content.Hex).Order(StringComparer.Ordinal));
        Assert.All(rows, row => Assert.Equal(LabelStatus.Labelled, row.Status));
    }

    [Fact]
    public async Task An_image_uploaded_while_no_champion_serves_is_labelled_by_the_sweep_once_one_does()
    {
        await using var fixture = await ServingFixture.CreateAsync(withChampion: false);
        var png = TestImages.Png(28, 28, seed: 1, gray: true);
        await fixture.UploadAsync("early.png", png);

        // The blob trigger's delivery: it finds no champion and leaves the blob as it is.
        await Assert.ThrowsAsync<NoChampionException>(() => fixture.Labeler.LabelBlobAsync("early.png"));
        Assert.Empty(await fixture.Labels.ReadAllAsync().ToListAsync());

        // The sweep fails the same way, and a failed pass leaves the watermark where it was.
        await Assert.ThrowsAsync<NoChampionException>(() => fixture.Sweeper(new LaterClock(TimeSpan.FromHours(1))).SweepAsync(TimeSpan.FromMinutes(10)));
        Assert.Null((await IncomingWatermark.ReadAsync(fixture.Incoming, default))!.Value);

        await fixture.Models.RegisterChampionAsync(new LinearTestModel("late", classes: 10, width: 28, height: 28));
        await fixture.Loader.RefreshAsync();
        Assert.Equal(1, await fixture.Sweeper(new LaterClock(TimeSpan.FromHours(1))).SweepAsync(TimeSpan.FromMinutes(10)));
        Assert.Equal("late", (await fixture.Labels.GetAsync(ContentAddress.Of(png)))!.ModelVersion);
    }

    [Fact]
    public async Task Poison_messages_and_dead_lettered_events_are_drained_into_labels()
    {
        await using var fixture = await ServingFixture.CreateAsync();
        var poisoned = TestImages.Png(28, 28, seed: 3, gray: true);
        var deadLettered = TestImages.Png(28, 28, seed: 4, gray: true);
        await fixture.UploadAsync("poisoned.png", poisoned);
        await fixture.UploadAsync("dead/lettered.png", deadLettered);
        var poison = fixture.Scope.Account.Queues.GetQueueClient(fixture.Layout.BlobTriggerPoison);
        await poison.CreateIfNotExistsAsync();
        await poison.SendMessageAsync(JsonSerializer.Serialize(new
        {
            Type = "BlobTrigger", FunctionId = "Host.Functions.LabelImage", BlobType = "BlockBlob", ContainerName = fixture.Layout.Incoming,
            BlobName = "poisoned.png", ETag = "\"0x1\"",
        }));
        await poison.SendMessageAsync("not a poison message");
        var deadLetters = fixture.Scope.Account.Blobs.GetBlobContainerClient(fixture.Layout.DeadLetters);
        await deadLetters.CreateIfNotExistsAsync();
        await deadLetters.UploadBlobAsync("topic/2026/12/02/event.json", BinaryData.FromString(JsonSerializer.Serialize(new[]
        {
            new { id = "1", eventType = "Microsoft.Storage.BlobCreated", subject = $"/blobServices/default/containers/{fixture.Layout.Incoming}/blobs/dead/lettered.png" },
        })));

        Assert.Equal(2, await fixture.Sweeper().DrainPoisonQueueAsync());
        Assert.Equal(1, await fixture.Sweeper().DrainDeadLettersAsync());

        Assert.Equal(LabelStatus.Labelled, (await fixture.Labels.GetAsync(ContentAddress.Of(poisoned)))!.Status);
        Assert.Equal(["dead/lettered.png"], (await fixture.Labels.GetAsync(ContentAddress.Of(deadLettered)))!.BlobNames);
        Assert.Empty((await poison.PeekMessagesAsync()).Value);
        Assert.Empty(await deadLetters.GetBlobsAsync().ToListAsync());
    }

    [Fact]
    public async Task An_upload_that_overwrites_a_rejected_image_while_it_is_quarantined_is_kept_and_labelled()
    {
        await using var fixture = await ServingFixture.CreateAsync();
        await fixture.UploadAsync("photo.png", TestImages.NotAnImage());
        var stale = (await IncomingImage.DownloadAsync(fixture.Incoming.GetBlobClient("photo.png"), fixture.Options.Limits, default))!;
        var fresh = TestImages.Png(28, 28, seed: 5, gray: true);
        await fixture.UploadAsync("photo.png", fresh); // the user re-uploads a good picture under the same name

        var record = Assert.Single(await fixture.Labeler.LabelAsync([stale]));

        Assert.Equal(LabelStatus.Rejected, record.Status);
        Assert.Equal(TestImages.NotAnImage(), (await fixture.Quarantine.GetBlobClient("photo.png").DownloadContentAsync()).Value.Content.ToArray());
        Assert.Equal(fresh, (await fixture.Incoming.GetBlobClient("photo.png").DownloadContentAsync()).Value.Content.ToArray());
        Assert.Equal(1, await fixture.Sweeper().SweepAsync(TimeSpan.Zero));
        Assert.Equal(LabelStatus.Labelled, (await fixture.Labels.GetAsync(ContentAddress.Of(fresh)))!.Status);
    }

    [Fact]
    public async Task A_pass_whose_row_writes_fail_while_the_next_batch_is_labelled_fails_as_a_whole_and_loses_nothing()
    {
        await using var fixture = await ServingFixture.CreateAsync(new ServingOptions { BatchSize = 4 });
        var images = Enumerable.Range(0, 24).Select(i => TestImages.Png(28, 28, seed: 200 + i, gray: true)).ToArray();
        for (var i = 0; i < images.Length; i++) await fixture.UploadAsync($"img-{i:D2}.png", images[i]);
        // The same storage, whose table transactions fail from the third on: later batches are still being labelled.
        var faults = new TableTransactionsFailAfter(2);
        var faulty = StorageAccount.FromConnectionString(AzuriteStorage.ConnectionString, faults);
        var labels = new LabelStore(faulty, fixture.Layout);
        var labeler = new ImageLabeler(faulty, fixture.Layout, labels, fixture.Served, fixture.Options, TimeProvider.System, NullLogger<ImageLabeler>.Instance);
        var sweeper = new IncomingSweeper(faulty, fixture.Layout, labeler, fixture.Options, TimeProvider.System, NullLogger<IncomingSweeper>.Instance);

        await Assert.ThrowsAsync<RequestFailedException>(() => sweeper.SweepAsync(TimeSpan.Zero).WaitAsync(TimeSpan.FromMinutes(1)));

        var sentByThen = faults.Attempted;
        Assert.Null((await IncomingWatermark.ReadAsync(fixture.Incoming, default))!.Value); // the failed pass covers nothing
        Assert.True(await fixture.Labels.CountAsync() < images.Length);
        await fixture.Sweeper().SweepAsync(TimeSpan.Zero); // the blobs the failed pass marked one by one are not labelled again
        var rows = await fixture.Labels.ReadAllAsync().ToListAsync();
        Assert.Equal(images.Select(i => ContentAddress.Of(i).Hex).Order(StringComparer.Ordinal), rows.Select(r => r.Content.Hex).Order(StringComparer.Ordinal));
        Assert.Equal(sentByThen, faults.Attempted); // nothing of the failed pass was still writing once it threw
    }

    /// <summary>Lets <paramref name="allowed"/> table transactions through, then fails every later one before it is sent.</summary>
    private sealed class TableTransactionsFailAfter(int allowed) : RequestFaultPolicy
    {
        private int _attempted;

        public int Attempted => Volatile.Read(ref _attempted);

        protected override void ThrowIfFailed(HttpMessage message)
        {
            if (message.Request.Uri.Path.EndsWith("/$batch", StringComparison.Ordinal) && Interlocked.Increment(ref _attempted) > allowed)
                throw new RequestFailedException(500, "Table transaction refused (test fault).");
        }
    }
}
