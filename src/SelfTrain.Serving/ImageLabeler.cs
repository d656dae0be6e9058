using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using SelfTrain.Core.Labels;
using SelfTrain.Core.Telemetry;
using SelfTrain.Inference;
using SelfTrain.Storage;

namespace SelfTrain.Serving;

/// <summary>Thrown while no champion is served: the images stay where they are, to be labelled later.</summary>
public sealed class NoChampionException() : Exception("No champion model is being served yet; the image is left in place for later.");

/// <summary>
/// Labels incoming images with the champion: one row per distinct image in the label store, then a checkpoint in the
/// blob's own metadata (the content hash), which tells the sweep the blob is done. An image that cannot be read is
/// copied to <c>quarantine/</c> with its reason in the blob's metadata, gets a Rejected row, and is then removed from
/// <c>incoming/</c> — in that order, so a crash at any point loses nothing and a retry is harmless. The checkpoint, the
/// quarantine copy and the delete all hold only for the blob version that was read (its ETag): a newer upload under
/// the same name is left for its own labelling. The one handler behind the Functions blob trigger, the sweep and the
/// local host's watcher.
/// </summary>
public sealed partial class ImageLabeler(StorageAccount storage, StorageLayout layout, LabelStore labels, ServedModel champion,
    ServingOptions options, TimeProvider clock, ILogger<ImageLabeler> logger)
{
    public const string ReasonMetadata = "reason";
    public const string DetailMetadata = "detail";

    /// <summary>Metadata a labelled blob carries: the content hash its row is keyed by.</summary>
    public const string CheckpointMetadata = "selftrainlabel";

    /// <summary>One blob of <c>incoming/</c> by name (the blob trigger, a poison message, a dead-lettered event).</summary>
    /// <returns>Null when the blob is gone (handled before, or deleted).</returns>
    /// <exception cref="NoChampionException">Nothing is served yet; the blob is left as it was.</exception>
    public async Task<LabelRecord?> LabelBlobAsync(string blobName, CancellationToken cancellationToken = default)
    {
        var image = await IncomingImage.DownloadAsync(Incoming.GetBlobClient(blobName), options.Limits, cancellationToken);
        return image is null ? null : (await LabelAsync([image], cancellationToken))[0];
    }

    /// <summary>Labels a batch with one model run and one table transaction per partition, and marks each blob.</summary>
    /// <exception cref="NoChampionException">Nothing is served yet; nothing was written.</exception>
    public Task<IReadOnlyList<LabelRecord>> LabelAsync(IReadOnlyList<IncomingImage> images, CancellationToken cancellationToken = default) =>
        LabelAsync(images, markFrom: DateTimeOffset.MinValue, cancellationToken);

    /// <summary>
    /// Labels a batch as above, marking only the blobs modified at or after <paramref name="markFrom"/>: a sweep's
    /// <see cref="IncomingWatermark"/> covers the older ones once the sweep succeeds.
    /// </summary>
    /// <exception cref="NoChampionException">Nothing is served yet; nothing was written.</exception>
    public async Task<IReadOnlyList<LabelRecord>> LabelAsync(IReadOnlyList<IncomingImage> images, DateTimeOffset markFrom,
        CancellationToken cancellationToken = default) =>
        await RecordAsync(Classify(images), markFrom, cancellationToken);

    /// <summary>
    /// The first half of <see cref="LabelAsync(IReadOnlyList{IncomingImage}, DateTimeOffset, CancellationToken)"/>: the
    /// champion's answer for each image (one model run in chunks of the engine's batch size), written nowhere yet. A
    /// sweep classifies the next batch while <see cref="RecordAsync"/> writes this one.
    /// </summary>
    /// <exception cref="NoChampionException">Nothing is served yet.</exception>
    public LabelledBatch Classify(IReadOnlyList<IncomingImage> images)
    {
        using var lease = champion.TryAcquire() ?? throw new NoChampionException();
        var model = lease.Classifier;
        using var span = SelfTrainTelemetry.Source.StartActivity("selftrain.label_batch");
        span?.SetTag("selftrain.model", model.Manifest.Version);
        span?.SetTag("selftrain.images", images.Count);
        var readable = images.Where(i => i.Bytes is not null).ToArray();
        var outcomes = ImageClassifier.Classify(model, readable.Select(i => i.Bytes!).ToArray(), options.Limits);
        var outcomeOf = readable.Select((image, i) => (image, outcome: outcomes[i])).ToDictionary(x => x.image, x => x.outcome);
        var now = clock.GetUtcNow();

        var records = images.Select(image =>
        {
            var outcome = outcomeOf.GetValueOrDefault(image);
            var rejection = image.ReadRejection ?? outcome?.Rejection;
            return new LabelRecord
            {
                Content = image.Content,
                BlobNames = [image.BlobName],
                LabelledAt = now,
                Status = rejection is null ? LabelStatus.Labelled : LabelStatus.Rejected,
                RejectionReason = rejection?.Reason.ToString(),
                RejectionDetail = rejection?.Message,
                ModelVersion = rejection is null ? model.Manifest.Version : null,
                Prediction = outcome?.Prediction,
                Width = outcome?.Width ?? 0,
                Height = outcome?.Height ?? 0,
            };
        }).ToArray();
        return new LabelledBatch(images, records, model.Manifest.Version);
    }

    /// <summary>
    /// The second half: quarantines what was refused, writes the rows (one table transaction per partition), then marks
    /// each labelled blob modified at or after <paramref name="markFrom"/> and removes each refused one.
    /// </summary>
    public async Task<IReadOnlyList<LabelRecord>> RecordAsync(LabelledBatch batch, DateTimeOffset markFrom, CancellationToken cancellationToken = default)
    {
        var (images, records) = (batch.Images, batch.Records);
        using var span = SelfTrainTelemetry.Source.StartActivity("selftrain.write_labels");
        span?.SetTag("selftrain.model", batch.ModelVersion);
        span?.SetTag("selftrain.images", images.Count);
        var rejected = images.Zip(records).Where(x => x.Second.Status == LabelStatus.Rejected).ToArray();
        await Parallel.ForEachAsync(rejected, cancellationToken, async (x, ct) => await CopyToQuarantineAsync(x.First, x.Second, ct));
        await labels.RecordAsync(records, cancellationToken);
        foreach (var labelled in records.Where(r => r is { Status: LabelStatus.Labelled, Prediction: not null }).GroupBy(r => r.Prediction!.Label))
            SelfTrainTelemetry.ImagesLabelled.Add(labelled.Count(), new KeyValuePair<string, object?>(SelfTrainTelemetry.ModelTag, batch.ModelVersion),
                new KeyValuePair<string, object?>(SelfTrainTelemetry.ClassTag, labelled.Key));
        foreach (var reason in rejected.GroupBy(x => x.Second.RejectionReason))
            SelfTrainTelemetry.ImagesRejected.Add(reason.Count(), new KeyValuePair<string, object?>(SelfTrainTelemetry.ReasonTag, reason.Key),
                new KeyValuePair<string, object?>(SelfTrainTelemetry.ModelTag, batch.ModelVersion));
        // A mark for each labelled blob the watermark will not cover, a delete for each rejected one: one small request
        // per blob, as many in flight as downloads, or they would pace the labelling.
        var toMark = images.Zip(records).Where(x => NeedsOwnRequest(x.First, x.Second, markFrom));
        await Parallel.ForEachAsync(toMark, new ParallelOptions { MaxDegreeOfParallelism = options.DownloadConcurrency, CancellationToken = cancellationToken },
            async (x, ct) =>
            {
                var (image, record) = x;
                var blob = Incoming.GetBlobClient(image.BlobName);
                var sameVersion = image.ETag is { } etag ? new BlobRequestConditions { IfMatch = etag } : null;
                try
                {
                    if (record.Status == LabelStatus.Labelled)
                    {
                        var metadata = new Dictionary<string, string>(image.Metadata ?? new Dictionary<string, string>())
                        {
                            [CheckpointMetadata] = image.Content.Hex,
                        };
                        await blob.SetMetadataAsync(metadata, sameVersion, ct);
                        return;
                    }
                    await blob.DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, sameVersion, ct);
                    LogQuarantined(image.BlobName, record.RejectionReason!, record.RejectionDetail!);
                }
                catch (RequestFailedException ex) when (ex.Status is 404 or 412)
                {
                    // Gone, or overwritten since it was read: the newer upload is labelled on its own.
                }
            });
        return records;
    }

    /// <summary>Whether labelling this image ends with a request for its blob alone: a mark, or the delete of a refused one.</summary>
    public static bool NeedsOwnRequest(IncomingImage image, LabelRecord record, DateTimeOffset markFrom) =>
        record.Status == LabelStatus.Rejected || !(image.LastModified < markFrom);

    private BlobContainerClient Incoming => storage.Blobs.GetBlobContainerClient(layout.Incoming);

    private async Task CopyToQuarantineAsync(IncomingImage image, LabelRecord record, CancellationToken cancellationToken)
    {
        var quarantine = storage.Blobs.GetBlobContainerClient(layout.Quarantine);
        await quarantine.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var metadata = new Dictionary<string, string>
        {
            [ReasonMetadata] = record.RejectionReason!,
            [DetailMetadata] = Ascii(record.RejectionDetail!),
            ["contenthash"] = image.Content.Hex,
            ["rejectedat"] = record.LabelledAt.ToString("O"),
        };
        var target = quarantine.GetBlobClient(image.BlobName);
        var upload = new BlobUploadOptions { Metadata = metadata };
        if (image.Bytes is not null)
        {
            await target.UploadAsync(BinaryData.FromBytes(image.Bytes), upload, cancellationToken);
            return;
        }
        try
        {
            // Too big to have been kept in memory: stream the version that was read across.
            await using var source = await IncomingImage.OpenAsync(Incoming.GetBlobClient(image.BlobName), image.ETag, cancellationToken);
            await target.UploadAsync(source, upload, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Already moved by an earlier delivery of the same blob, or replaced by a newer upload.
        }
    }

    /// <summary>Blob metadata values are ASCII.</summary>
    private static string Ascii(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text) builder.Append(c is >= ' ' and <= '~' ? c : '?');
        return builder.ToString();
    }

    [LoggerMessage(LogLevel.Warning, "Quarantined {BlobName}: {Reason} ({Detail})")]
    private partial void LogQuarantined(string blobName, string reason, string detail);
}
