using System.Text.Json;
using System.Threading.Channels;
using System.Threading.RateLimiting;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs;
using Azure;
using Microsoft.Extensions.Logging;
using SelfTrain.Core;
using SelfTrain.Storage;

namespace SelfTrain.Serving;

/// <summary>
/// Makes sure nothing uploaded is lost: finds the blobs of <c>incoming/</c> that carry no checkpoint (no row was
/// written for them: a delivery that failed, an event that never came, a champion that was not there yet) and labels
/// them through <see cref="ImageLabeler"/>. Downloads run ahead of labelling with bounded concurrency through a
/// bounded channel; labelling goes in batches, each batch's rows written while the next is classified. Also drains
/// what the Functions host sets aside: the blob trigger's poison queue and Event Grid's dead-lettered events,
/// labelling the blobs they name.
/// </summary>
public sealed partial class IncomingSweeper(StorageAccount storage, StorageLayout layout, ImageLabeler labeler, ServingOptions options,
    TimeProvider clock, ILogger<IncomingSweeper> logger)
{
    private static readonly JsonSerializerOptions Json = SelfTrainJson.Options;
    private const long PermitBytes = 4096; // fine enough that a small image takes about its own size

    private BlobContainerClient Incoming => storage.Blobs.GetBlobContainerClient(layout.Incoming);

    /// <summary>
    /// One pass: labels every blob without a checkpoint last modified at least <paramref name="minimumAge"/> ago
    /// (younger ones may still be on their way through the trigger), then moves the <see cref="IncomingWatermark"/>.
    /// Returns how many it handled.
    /// </summary>
    /// <exception cref="NoChampionException">Nothing is served yet; the blobs stay as they are.</exception>
    public async Task<int> SweepAsync(TimeSpan minimumAge, CancellationToken cancellationToken = default)
    {
        // Read before the listing starts: the next watermark is the second it was read, by the storage's clock.
        if (await IncomingWatermark.ReadAsync(Incoming, cancellationToken) is not { } watermark) return 0; // nothing was ever uploaded
        var cutoff = clock.GetUtcNow() - minimumAge;
        var next = watermark.Next(cutoff);
        var started = clock.GetTimestamp();
        var pass = new PassCounts();
        var handled = await LabelPendingAsync(watermark, cutoff, next, pass, cancellationToken);
        await watermark.AdvanceAsync(Incoming, next, cancellationToken);
        var seconds = clock.GetElapsedTime(started).TotalSeconds;
        if (handled > 0) LogPass(seconds, pass.Listed, handled, pass.OneByOne);
        else LogEmptyPass(seconds, pass.Listed);
        return handled;
    }

    /// <summary>What one pass cost in requests beyond its downloads and rows: blobs listed, and blobs marked or removed one by one.</summary>
    private sealed class PassCounts
    {
        public int Listed;
        public int OneByOne;
    }

    private async Task<int> LabelPendingAsync(IncomingWatermark watermark, DateTimeOffset cutoff, DateTimeOffset next, PassCounts counts,
        CancellationToken cancellationToken)
    {
        var downloads = Channel.CreateBounded<(IncomingImage Image, RateLimitLease Bytes)>(
            new BoundedChannelOptions(options.BatchSize * 2) { SingleReader = true });
        // The pass's bytes, in 4 KiB permits; an image takes its share before its download starts.
        var permits = (int)Math.Max(1, options.MaxPendingImageBytes / PermitBytes);
        using var budget = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = permits,
            QueueLimit = permits * options.DownloadConcurrency,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        // Stops the downloads when labelling fails, so the producer never stays blocked on a full channel.
        using var pass = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        var producer = Task.Run(async () =>
        {
            try
            {
                await Parallel.ForEachAsync(PendingAsync(watermark, cutoff, counts, pass.Token),
                    new ParallelOptions { MaxDegreeOfParallelism = options.DownloadConcurrency, CancellationToken = pass.Token },
                    async (item, ct) =>
                    {
                        var share = (int)Math.Clamp(((item.Properties.ContentLength ?? 0) + PermitBytes - 1) / PermitBytes, 1, permits);
                        var lease = await budget.AcquireAsync(share, ct);
                        try
                        {
                            if (!lease.IsAcquired) throw new InvalidOperationException("The labelling pass's byte budget refused a download.");
                            var image = await IncomingImage.DownloadAsync(Incoming.GetBlobClient(item.Name), options.Limits, ct);
                            if (image is null) lease.Dispose(); // gone since it was listed
                            else await downloads.Writer.WriteAsync((image, lease), ct);
                        }
                        catch
                        {
                            lease.Dispose();
                            throw;
                        }
                    });
                downloads.Writer.Complete();
            }
            catch (Exception ex)
            {
                downloads.Writer.Complete(ex);
            }
        }, CancellationToken.None);

        var handled = 0;
        var batch = new List<(IncomingImage Image, RateLimitLease Bytes)>(options.BatchSize);
        // One batch's rows are written while the next is classified, so the table's round trips do not idle the model.
        // Its bytes stay taken until its rows are in (a refused image is copied to quarantine from them), and are freed
        // then, not when the next batch is ready: the downloads that batch waits for may need them.
        Task<int>? writing = null;
        try
        {
            await foreach (var downloaded in downloads.Reader.ReadAllAsync(cancellationToken))
            {
                batch.Add(downloaded);
                // A batch closes when nothing is waiting, so the labelling never waits on downloads while it holds bytes
                // those downloads may need.
                if (batch.Count == options.BatchSize || downloads.Reader.Count == 0) await ClassifyAsync();
            }
            if (batch.Count > 0) await ClassifyAsync();
            handled += await FinishWritingAsync();
        }
        finally
        {
            Release(batch);
            await pass.CancelAsync(); // the downloads stop; a write in flight (on the caller's token) finishes
            if (writing is { } unfinished)
            {
                try
                {
                    await unfinished;
                }
                catch (Exception ex)
                {
                    // The pass already fails with the error that stopped it; this batch is labelled again by the next.
                    LogUnfinishedWrite(ex);
                }
            }
            await producer.ContinueWith(_ => { }, TaskScheduler.Default); // its error, if any, already ended the reader
            while (downloads.Reader.TryRead(out var left)) left.Bytes.Dispose();
        }
        return handled;

        async Task ClassifyAsync()
        {
            var labelled = labeler.Classify(batch.ConvertAll(b => b.Image));
            handled += await FinishWritingAsync();
            writing = WriteAsync(labelled, batch);
            batch = new(options.BatchSize);
        }

        async Task<int> WriteAsync(LabelledBatch labelled, List<(IncomingImage Image, RateLimitLease Bytes)> images)
        {
            try
            {
                return await WriteBatchAsync(labelled, next, counts, cancellationToken);
            }
            finally
            {
                Release(images);
            }
        }

        async Task<int> FinishWritingAsync()
        {
            if (writing is not { } pending) return 0;
            writing = null;
            return await pending;
        }

        static void Release(List<(IncomingImage Image, RateLimitLease Bytes)> images)
        {
            foreach (var (_, bytes) in images) bytes.Dispose();
            images.Clear();
        }
    }

    /// <summary>
    /// Labels the blob of each message on the blob trigger's poison queue (deliveries that failed every retry), then
    /// deletes the message. A message that names no blob of <c>incoming/</c> is deleted as it is.
    /// </summary>
    public async Task<int> DrainPoisonQueueAsync(CancellationToken cancellationToken = default)
    {
        var queue = storage.Queues.GetQueueClient(layout.BlobTriggerPoison);
        if (!(await queue.ExistsAsync(cancellationToken)).Value) return 0;
        var drained = 0;
        while ((await queue.ReceiveMessagesAsync(16, TimeSpan.FromMinutes(1), cancellationToken)).Value is { Length: > 0 } messages)
        {
            foreach (var message in messages)
            {
                if (PoisonBlobName(message.Body.ToString()) is { } name) await labeler.LabelBlobAsync(name, cancellationToken);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                drained++;
            }
        }
        if (drained > 0) LogDrained(drained, layout.BlobTriggerPoison);
        return drained;
    }

    /// <summary>Labels the blobs named by Event Grid's dead-lettered <c>BlobCreated</c> events, then deletes each dead letter.</summary>
    public async Task<int> DrainDeadLettersAsync(CancellationToken cancellationToken = default)
    {
        var deadLetters = storage.Blobs.GetBlobContainerClient(layout.DeadLetters);
        var drained = 0;
        try
        {
            await foreach (var item in deadLetters.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: null, cancellationToken))
            {
                var content = (await deadLetters.GetBlobClient(item.Name).DownloadContentAsync(cancellationToken)).Value.Content;
                foreach (var name in DeadLetteredBlobNames(content.ToString())) await labeler.LabelBlobAsync(name, cancellationToken);
                await deadLetters.DeleteBlobIfExistsAsync(item.Name, cancellationToken: cancellationToken);
                drained++;
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return 0; // no container: nothing was ever dead-lettered
        }
        if (drained > 0) LogDrained(drained, layout.DeadLetters);
        return drained;
    }

    /// <summary>Blobs modified before the watermark the pass will set go unmarked: that watermark covers them.</summary>
    private async Task<int> WriteBatchAsync(LabelledBatch batch, DateTimeOffset next, PassCounts counts, CancellationToken cancellationToken)
    {
        var records = await labeler.RecordAsync(batch, markFrom: next, cancellationToken);
        counts.OneByOne += batch.Images.Zip(records).Count(x => ImageLabeler.NeedsOwnRequest(x.First, x.Second, next));
        LogLabelled(records.Count, records.Count(r => r.Status != Core.Labels.LabelStatus.Labelled));
        return records.Count;
    }

    private async IAsyncEnumerable<BlobItem> PendingAsync(IncomingWatermark watermark, DateTimeOffset cutoff, PassCounts counts,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in Incoming.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix: null, cancellationToken))
        {
            counts.Listed++;
            if (!watermark.Covers(item) && item.Properties.LastModified <= cutoff)
                yield return item;
        }
    }

    /// <summary>The blob a poison message names, when it is one of <c>incoming/</c> (the host writes ContainerName and BlobName).</summary>
    private string? PoisonBlobName(string message)
    {
        try
        {
            var poison = JsonSerializer.Deserialize<PoisonMessage>(message, Json);
            return poison?.ContainerName == layout.Incoming && !string.IsNullOrEmpty(poison.BlobName) ? poison.BlobName : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Event Grid writes a JSON array of events; a BlobCreated subject is /blobServices/default/containers/{c}/blobs/{name}.</summary>
    private IEnumerable<string> DeadLetteredBlobNames(string deadLetter)
    {
        var prefix = $"/blobServices/default/containers/{layout.Incoming}/blobs/";
        DeadLetteredEvent[]? events;
        try
        {
            events = JsonSerializer.Deserialize<DeadLetteredEvent[]>(deadLetter, Json);
        }
        catch (JsonException)
        {
            return [];
        }
        return (events ?? []).Select(e => e.Subject).OfType<string>().Where(s => s.StartsWith(prefix, StringComparison.Ordinal))
            .Select(s => s[prefix.Length..]).Where(n => n.Length > 0).Distinct();
    }

    private sealed record PoisonMessage(string? ContainerName, string? BlobName);

    private sealed record DeadLetteredEvent(string? Subject);

    [LoggerMessage(LogLevel.Information, "Labelled {Count} incoming images ({Rejected} quarantined)")]
    private partial void LogLabelled(int count, int rejected);

    [LoggerMessage(LogLevel.Information, "Swept incoming/ in {Seconds:0.0} s: listed {Listed} blobs, labelled {Labelled}, {OneByOne} of them marked or removed one by one")]
    private partial void LogPass(double seconds, int listed, int labelled, int oneByOne);

    [LoggerMessage(LogLevel.Debug, "Swept incoming/ in {Seconds:0.0} s: listed {Listed} blobs, nothing new")]
    private partial void LogEmptyPass(double seconds, int listed);

    [LoggerMessage(LogLevel.Debug, "A batch's rows were still being written when the pass failed, and failed too")]
    private partial void LogUnfinishedWrite(Exception exception);

    [LoggerMessage(LogLevel.Warning, "Recovered {Count} failed deliveries from {Source}")]
    private partial void LogDrained(int count, string source);
}
