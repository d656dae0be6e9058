using SelfTrain.Core;
using SelfTrain.Testing;

namespace SelfTrain.Serving.Tests;

public sealed class IncomingWatcherTests
{
    [Fact]
    public async Task Stopped_mid_burst_and_restarted_it_labels_every_blob_exactly_once()
    {
        await using var fixture = await ServingFixture.CreateAsync(new ServingOptions { BatchSize = 8, DownloadConcurrency = 4 });
        var images = Enumerable.Range(0, 240).ToDictionary(i => $"burst/{i:D4}.png", i => TestImages.Png(28, 28, seed: 1000 + i, gray: true));
        await Parallel.ForEachAsync(images, async (image, _) => await fixture.UploadAsync(image.Key, image.Value));

        var first = fixture.Watcher();
        await first.StartAsync(CancellationToken.None);
        await WaitUntilAsync(async () => await fixture.Labels.ReadAllAsync().CountAsync() >= 40, TimeSpan.FromSeconds(60));
        await first.StopAsync(CancellationToken.None);
        first.Dispose();
        var labelledBeforeRestart = await fixture.Labels.ReadAllAsync().CountAsync();
        Assert.InRange(labelledBeforeRestart, 40, 239); // really stopped in the middle

        var second = fixture.Watcher();
        await second.StartAsync(CancellationToken.None);
        await WaitUntilAsync(async () => await fixture.Labels.ReadAllAsync().CountAsync() == images.Count, TimeSpan.FromSeconds(120));
        await second.StopAsync(CancellationToken.None);
        second.Dispose();

        var rows = await fixture.Labels.ReadAllAsync().ToListAsync();
        Assert.Equal(images.Count, rows.Count);
        var listed = rows.SelectMany(r => r.BlobNames).ToList();
        Assert.Equal(images.Keys.Order(), listed.Order()); // every blob once, none twice
        foreach (var (name, bytes) in images)
            Assert.Equal([name], rows.Single(r => r.Content == ContentAddress.Of(bytes)).BlobNames);

        await foreach (var blob in fixture.Incoming.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.Metadata, Azure.Storage.Blobs.Models.BlobStates.None, null, CancellationToken.None))
            Assert.Equal(ContentAddress.Of(images[blob.Name]).Hex, blob.Metadata[ImageLabeler.CheckpointMetadata]);
        Assert.Equal(0, await fixture.Watcher().LabelPendingAsync());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Condition not met within {timeout}.");
            await Task.Delay(50);
        }
    }
}
