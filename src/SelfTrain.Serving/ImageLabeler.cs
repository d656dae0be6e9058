using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using SelfTrain.Core.Labels;
using SelfTrain.Inference;
using SelfTrain.Storage;

namespace SelfTrain.Serving;

/// <summary>Thrown while no champion is served: the images stay where they are, to be labelled later.</summary>
public sealed class NoChampionException() : Exception("No champion model is being served yet; the image is left in place for later.");

/// <summary>
/// Labels incoming images with the champion: one row per distinct image in the label store. An image that cannot
/// be read is copied to <c>quarantine/</c> with its reason in the blob's metadata, gets a Rejected row, and is then
/// removed from <c>incoming/</c> — in that order, so a crash at any point loses nothing and a retry is harmless.
/// The one handler behind both the Functions blob trigger and the local host's watcher.
/// </summary>
public sealed partial class ImageLabeler(StorageAccount storage, StorageLayout layout, LabelStore labels, ServedModel champion,
    ServingOptions options, TimeProvider clock, ILogger<ImageLabeler> logger)
{
    public const string ReasonMetadata = "reason";
    public const string DetailMetadata = "detail";

    /// <summary>The blob-trigger path: one blob, as a stream.</summary>
    public async Task<LabelRecord> LabelAsync(string blobName, Stream content, CancellationToken cancellationToken = default)
    {
        var blob = storage.Blobs.GetBlobContainerClient(layout.Incoming).GetBlobClient(blobName);
        var image = await IncomingImage.ReadAsync(blobName, content, () => blob.OpenReadAsync(cancellationToken: cancellationToken),
            options.Limits, cancellationToken);
        return (await LabelAsync([image], cancellationToken))[0];
    }

    /// <summary>Labels a batch with one model run and one table transaction per partition.</summary>
    /// <exception cref="NoChampionException">Nothing is served yet; nothing was written.</exception>
    public async Task<IReadOnlyList<LabelRecord>> LabelAsync(IReadOnlyList<IncomingImage> images, CancellationToken cancellationToken = default)
    {
        using var lease = champion.TryAcquire() ?? throw new NoChampionException();
        var model = lease.Classifier;
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

        var rejected = images.Zip(records).Where(x => x.Second.Status == LabelStatus.Rejected).ToArray();
        await Parallel.ForEachAsync(rejected, cancellationToken, async (x, ct) => await CopyToQuarantineAsync(x.First, x.Second, ct));
        await labels.RecordAsync(records, cancellationToken);
        await Parallel.ForEachAsync(rejected, cancellationToken, async (x, ct) =>
        {
            await Incoming.GetBlobClient(x.First.BlobName).DeleteIfExistsAsync(cancellationToken: ct);
            LogQuarantined(x.First.BlobName, x.Second.RejectionReason!, x.Second.RejectionDetail!);
        });
        return records;
    }

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
            // Too big to have been kept in memory: stream it across.
            await using var source = await Incoming.GetBlobClient(image.BlobName).OpenReadAsync(cancellationToken: cancellationToken);
            await target.UploadAsync(source, upload, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already moved by an earlier delivery of the same blob.
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
