using Azure.Storage.Blobs;
using SelfTrain.Client;
using SelfTrain.Core;
using SelfTrain.Core.Data;
using SelfTrain.Core.Labels;
using SelfTrain.Serving;
using SelfTrain.Storage;
using Spectre.Console;

namespace SelfTrain.Demo.Scenario;

/// <summary>
/// Production traffic: the pool images go to <c>incoming/</c> as PNG blobs, where the serving path (the blob trigger,
/// or the local host's watcher) labels them with the champion. Labels are keyed by content, so images that are byte
/// for byte the same share one row.
/// </summary>
public sealed class PoolUploader(StorageAccount storage, StorageLayout layout, LabelStore labels)
{
    /// <summary>How long labelling may go without a new row before the demo gives up.</summary>
    public static readonly TimeSpan StallTimeout = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Counting rows reads every key, work for the same storage that labelling needs, and Azurite's table queries
    /// get slower with the table: every 5 s for a small pool, every 30 s for 60,000 images.
    /// </summary>
    private static TimeSpan CountInterval(int images) => TimeSpan.FromSeconds(Math.Clamp(images / 2000, 5, 30));

    /// <summary>Once the upload is done, how often the sweep's watermark (one small read) is checked between counts.</summary>
    private static readonly TimeSpan WatermarkInterval = TimeSpan.FromSeconds(1);

    public static string BlobName(int index) => $"pool-{index:D5}.png";

    /// <summary>Uploads the pool and waits until every distinct image has its row; returns each image's content address.</summary>
    public async Task<ContentAddress[]> UploadAndWaitForLabelsAsync(LabelledImages pool, ProgressTask uploaded, ProgressTask labelled,
        CancellationToken cancellationToken)
    {
        var incoming = storage.Blobs.GetBlobContainerClient(layout.Incoming);
        await incoming.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var contents = new ContentAddress[pool.Count];
        var modified = new DateTimeOffset[pool.Count]; // by the storage's clock
        uploaded.MaxValue = labelled.MaxValue = pool.Count;

        using var uploading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Notices wake the local host's watcher, which may have slowed its listings while the demo set up gold and A.
        var notices = new IncomingNotices(storage, layout);
        var upload = UploadAsync();
        async Task UploadAsync()
        {
            await Uploads.ForEachAsync(pool.Count, () => uploaded.Increment(1), uploading.Token, async (i, ct) =>
            {
                var png = GoldSeeder.Png(pool, i);
                contents[i] = ContentAddress.Of(png);
                modified[i] = (await incoming.GetBlobClient(BlobName(i)).UploadAsync(new BinaryData(png), overwrite: true, ct)).Value.LastModified;
                await notices.UploadedAsync(cancellationToken: ct);
            });
            await notices.UploadedAsync(force: true, uploading.Token);
        }
        try
        {
            var (expected, distinctKnown) = (pool.Count, false);
            var (count, lastChange, swept) = (0, DateTime.UtcNow, false);
            while (!upload.IsCompleted || count < expected)
            {
                // Counting reads every row; once a sweep has passed the last upload, only the interval brings the next count.
                if (upload.IsCompletedSuccessfully && !swept) swept = await WaitForSweepAsync(incoming, modified.Max(), CountInterval(pool.Count), cancellationToken);
                else await Task.Delay(CountInterval(pool.Count), cancellationToken);
                if (upload.IsCompletedSuccessfully && !distinctKnown)
                {
                    expected = contents.Distinct().Count();
                    labelled.MaxValue = expected;
                    distinctKnown = true;
                }
                if (upload.IsFaulted) await upload;
                var now = await labels.CountAsync(cancellationToken);
                if (now != count) (count, lastChange) = (now, DateTime.UtcNow);
                else if (DateTime.UtcNow - lastChange > StallTimeout)
                    throw new TimeoutException($"Labelling stalled at {count} of {expected} images for {StallTimeout.TotalMinutes:0} minutes; see the host's log.");
                labelled.Value = count;
            }
            return contents;
        }
        finally
        {
            await uploading.CancelAsync();
            await upload.ContinueWith(_ => { }, TaskScheduler.Default); // observed above when it mattered
        }
    }

    /// <summary>
    /// Waits up to <paramref name="longest"/> for the sweep's watermark to pass the last upload: then a pass that began
    /// after it has labelled everything, and the rows are worth counting at once rather than at the next interval.
    /// </summary>
    /// <returns>Whether the watermark passed it.</returns>
    private static async Task<bool> WaitForSweepAsync(BlobContainerClient incoming, DateTimeOffset lastUpload, TimeSpan longest, CancellationToken cancellationToken)
    {
        for (var waited = TimeSpan.Zero; waited < longest; waited += WatermarkInterval)
        {
            if ((await IncomingWatermark.ReadAsync(incoming, cancellationToken))?.Value > lastUpload) return true;
            await Task.Delay(WatermarkInterval, cancellationToken);
        }
        return false;
    }

    /// <summary>Every label row, by content: the teacher's probabilities for each pool image.</summary>
    public async Task<IReadOnlyDictionary<ContentAddress, LabelRecord>> ReadLabelsAsync(CancellationToken cancellationToken)
    {
        var rows = new Dictionary<ContentAddress, LabelRecord>();
        await foreach (var row in labels.ReadAllAsync(cancellationToken)) rows[row.Content] = row;
        return rows;
    }
}
