using Azure;
using Azure.Storage.Queues;

namespace SelfTrain.Storage;

/// <summary>
/// "Something arrived in incoming/": the local host's stand-in for Event Grid's blob events (<see cref="StorageLayout.IncomingNotices"/>).
/// An uploader leaves a notice after its uploads, at most one per <see cref="Spacing"/>; the local host's watcher
/// takes them all before it lists, so a notice left after an upload is never taken by a listing that misses it. A
/// notice names nothing: the listing is what finds the blobs, and it also runs on its own schedule, so a notice that
/// is lost (or an upload by any other tool, which leaves none) costs latency, never an image. Where no local host
/// runs (Azure, where Event Grid delivers) the queue does not exist and notices are skipped.
/// </summary>
public sealed class IncomingNotices(QueueClient queue, TimeProvider clock)
{
    /// <summary>Notices from one uploader are at least this far apart.</summary>
    public static readonly TimeSpan Spacing = TimeSpan.FromSeconds(1);

    /// <summary>A notice nobody took in this time is stale: the listing schedule has found its blobs since.</summary>
    public static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();
    private long? _lastNotice;

    public IncomingNotices(StorageAccount storage, StorageLayout layout, TimeProvider? clock = null)
        : this(storage.Queues.GetQueueClient(layout.IncomingNotices), clock ?? TimeProvider.System) { }

    /// <summary>
    /// Leaves a notice unless one was left less than <see cref="Spacing"/> ago; <paramref name="force"/> after the
    /// last upload. Never fails an upload: false when there is no queue to notify, or it cannot be reached.
    /// </summary>
    public async Task<bool> UploadedAsync(bool force = false, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!force && _lastNotice is { } last && clock.GetElapsedTime(last) < Spacing) return false;
            _lastNotice = clock.GetTimestamp();
        }
        try
        {
            await queue.SendMessageAsync("{}", visibilityTimeout: null, timeToLive: TimeToLive, cancellationToken);
            return true;
        }
        catch (RequestFailedException)
        {
            // No local host here (404), this identity may not notify it (403), or storage is unreachable after the
            // client's retries: the listing schedule finds the blobs.
            return false;
        }
    }

    /// <summary>The watcher's side: whether any notice waits; takes them all. Creates the queue on first use.</summary>
    public async Task<bool> TakeAllAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            if ((await queue.PeekMessagesAsync(1, cancellationToken)).Value.Length == 0) return false;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            return false;
        }
        // Cleared before the listing that follows, so a notice left after this clear is seen by the next check.
        await queue.ClearMessagesAsync(cancellationToken);
        return true;
    }
}
