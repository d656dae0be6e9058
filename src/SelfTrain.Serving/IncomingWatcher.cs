using System.Threading.Channels;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
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
    BackgroundLoopStatus status, TimeProvider clock, ILogger<IncomingWatcher> logger) : BackgroundLoop(status, clock, logger)
{
    /// <summary>Metadata a labelled blob carries: the content hash its row is keyed by.</summary>
    public const string CheckpointMetadata = "selftrainlabel";

    private TimeSpan _idleWait = options.IncomingPollInterval;

    private BlobContainerClient Incoming => storage.Blobs.GetBlobContainerClient(layout.Incoming);

    public override string Name => "incoming-watcher";

    protected override async Task<TimeSpan> RunOnceAsync(CancellationToken cancellationToken)
    {
        var started = Clock.GetTimestamp();
        var labelled = 0;
        try
        {
            await Incoming.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            labelled = await LabelPendingAsync(cancellationToken);
        }
        catch (NoChampionException)
        {
            LogWaitingForChampion(); // not a failure: the images wait in place until a champion serves
        }
        if (labelled > 0)
        {
            _idleWait = options.IncomingPollInterval;
            return TimeSpan.Zero;
        }
        // Idle: back off, and never list for more than a tenth of the time, however large the container grows.
        var wait = Max(_idleWait, Clock.GetElapsedTime(started) * 9);
        _idleWait = Min(_idleWait * 2, Max(options.IncomingIdlePollInterval, options.IncomingPollInterval));
        return wait;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>One pass over <c>incoming/</c>: labels every blob without a checkpoint. Returns how many it handled.</summary>
    public async Task<int> LabelPendingAsync(CancellationToken cancellationToken = default)
    {
        var downloads = Channel.CreateBounded<(BlobItem Item, IncomingImage? Image)>(
            new BoundedChannelOptions(options.BatchSize * 2) { SingleReader = true });
        // Stops the downloads when labelling fails, so the producer never stays blocked on a full channel.
        using var pass = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        var producer = Task.Run(async () =>
        {
            try
            {
                await Parallel.ForEachAsync(PendingAsync(pass.Token),
                    new ParallelOptions { MaxDegreeOfParallelism = options.DownloadConcurrency, CancellationToken = pass.Token },
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
        }, CancellationToken.None);

        var handled = 0;
        try
        {
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
        }
        finally
        {
            await pass.CancelAsync();
            await producer.ContinueWith(_ => { }, TaskScheduler.Default); // its error, if any, already ended the reader
        }
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

}
