using System.Threading.Channels;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SelfTrain.Storage;

namespace SelfTrain.Serving;

/// <summary>
/// Feeds <see cref="ImageLabeler"/> where no Event Grid delivers blob events (the local host on Azurite): lists
/// <c>incoming/</c>, labels what is new or changed, and checkpoints each blob in its own metadata once its row is
/// written. Overwriting a blob clears its metadata, so a changed blob is seen again; a restart resumes from the
/// marks, and a blob labelled twice after a crash between row and mark changes nothing (rows are idempotent).
/// Downloads run ahead of labelling with bounded concurrency; labelling goes in batches.
/// </summary>
public sealed partial class IncomingWatcher(StorageAccount storage, StorageLayout layout, ImageLabeler labeler, ServingOptions options,
    TimeProvider clock, ILogger<IncomingWatcher> logger) : BackgroundService
{
    /// <summary>Metadata a labelled blob carries: the content hash its row is keyed by.</summary>
    public const string CheckpointMetadata = "selftrainlabel";

    private BlobContainerClient Incoming => storage.Blobs.GetBlobContainerClient(layout.Incoming);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Incoming.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
        var wait = options.IncomingPollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            var labelled = 0;
            var started = clock.GetTimestamp();
            try
            {
                labelled = await RunOnceAsync(stoppingToken);
            }
            catch (NoChampionException)
            {
                LogWaitingForChampion();
            }
            catch (RequestFailedException ex)
            {
                LogStorageFailed(ex);
            }
            if (labelled > 0)
            {
                wait = options.IncomingPollInterval;
                continue;
            }
            // Idle: back off, and never list for more than a tenth of the time, however large the container grows.
            var listing = clock.GetElapsedTime(started);
            await Task.Delay(Max(wait, listing * 9), clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            wait = Min(wait * 2, Max(options.IncomingIdlePollInterval, options.IncomingPollInterval));
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>One pass over <c>incoming/</c>: labels every blob without a checkpoint. Returns how many it handled.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var downloads = Channel.CreateBounded<(BlobItem Item, IncomingImage? Image)>(
            new BoundedChannelOptions(options.BatchSize * 2) { SingleReader = true });

        var producer = Task.Run(async () =>
        {
            try
            {
                await Parallel.ForEachAsync(PendingAsync(cancellationToken),
                    new ParallelOptions { MaxDegreeOfParallelism = options.DownloadConcurrency, CancellationToken = cancellationToken },
                    async (item, ct) =>
                    {
                        var image = await IncomingImage.DownloadAsync(Incoming.GetBlobClient(item.Name), options.Limits, ct);
                        await downloads.Writer.WriteAsync((item, image), ct);
                    });
                downloads.Writer.Complete();
            }
            catch (Exception ex)
            {
                downloads.Writer.Complete(ex);
            }
        }, cancellationToken);

        var handled = 0;
        var batch = new List<(BlobItem Item, IncomingImage Image)>(options.BatchSize);
        await foreach (var (item, image) in downloads.Reader.ReadAllAsync(cancellationToken))
        {
            if (image is null) continue; // gone since it was listed
            batch.Add((item, image));
            if (batch.Count == options.BatchSize || downloads.Reader.Count == 0)
            {
                handled += await LabelAndCheckpointAsync(batch, cancellationToken);
                batch.Clear();
            }
        }
        if (batch.Count > 0) handled += await LabelAndCheckpointAsync(batch, cancellationToken);
        await producer;
        return handled;
    }

    private async IAsyncEnumerable<BlobItem> PendingAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in Incoming.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix: null, cancellationToken))
            if (!item.Metadata.ContainsKey(CheckpointMetadata))
                yield return item;
    }

    private async Task<int> LabelAndCheckpointAsync(List<(BlobItem Item, IncomingImage Image)> batch, CancellationToken cancellationToken)
    {
        var records = await labeler.LabelAsync(batch.Select(b => b.Image).ToArray(), cancellationToken);
        // One small request per blob: as many in flight as downloads, or marking would pace the labelling.
        await Parallel.ForEachAsync(batch.Zip(records),
            new ParallelOptions { MaxDegreeOfParallelism = options.DownloadConcurrency, CancellationToken = cancellationToken }, async (pair, ct) =>
        {
            var ((item, image), record) = pair;
            if (record.Status != Core.Labels.LabelStatus.Labelled) return; // moved to quarantine: nothing left to mark
            var metadata = new Dictionary<string, string>(item.Metadata) { [CheckpointMetadata] = image.Content.Hex };
            try
            {
                // Only if the blob is still what was listed; a blob overwritten meanwhile is labelled again next pass.
                await Incoming.GetBlobClient(item.Name).SetMetadataAsync(metadata, new BlobRequestConditions { IfMatch = item.Properties.ETag }, ct);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412) { }
        });
        LogLabelled(batch.Count, records.Count(r => r.Status != Core.Labels.LabelStatus.Labelled));
        return batch.Count;
    }

    [LoggerMessage(LogLevel.Information, "Labelled {Count} incoming images ({Rejected} quarantined)")]
    private partial void LogLabelled(int count, int rejected);

    [LoggerMessage(LogLevel.Information, "Incoming images wait for a champion model")]
    private partial void LogWaitingForChampion();

    [LoggerMessage(LogLevel.Warning, "Storage failed while watching incoming images; will try again")]
    private partial void LogStorageFailed(Exception error);
}
