using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace SelfTrain.Serving;

/// <summary>
/// The sweep's checkpoint: every blob of <c>incoming/</c> last modified before the watermark has its row (or was
/// quarantined and removed), so a sweep need not mark each blob it labels, one request per image, nor label it again.
/// It lives in the container's own metadata. A pass reads it before it lists, and only when the pass labelled every
/// blob it listed does it move the watermark to the second that listing began, by the storage's own clock (blob times
/// are whole seconds): any blob modified earlier was committed before the listing and so was in it. Blobs modified
/// in that last second, or after, keep their per-blob mark (<see cref="ImageLabeler.CheckpointMetadata"/>), as do
/// the blob trigger's single deliveries.
/// </summary>
public sealed record IncomingWatermark(DateTimeOffset? Value, DateTimeOffset StorageTime, IDictionary<string, string> ContainerMetadata)
{
    public const string Metadata = "selftrainswept";

    /// <summary>Whether a listed blob is labelled: marked, or modified before the watermark.</summary>
    public bool Covers(BlobItem blob) =>
        blob.Metadata.ContainsKey(ImageLabeler.CheckpointMetadata) || blob.Properties.LastModified < Value;

    /// <summary>
    /// The watermark a pass that read this may set once it succeeds, when it labels the blobs modified up to
    /// <paramref name="cutoff"/>.
    /// </summary>
    public DateTimeOffset Next(DateTimeOffset cutoff) => WholeSecond(StorageTime < cutoff ? StorageTime : cutoff);

    /// <returns>Null when the container does not exist (nothing was ever uploaded).</returns>
    public static async Task<IncomingWatermark?> ReadAsync(BlobContainerClient incoming, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await incoming.GetPropertiesAsync(cancellationToken: cancellationToken);
            var storageTime = properties.GetRawResponse().Headers.Date
                ?? throw new InvalidOperationException("The blob service answered without a Date header, which the sweep's checkpoint needs.");
            var metadata = properties.Value.Metadata;
            DateTimeOffset? value = metadata.TryGetValue(Metadata, out var text) && DateTimeOffset.TryParse(text, null,
                System.Globalization.DateTimeStyles.RoundtripKind, out var parsed) ? parsed : null;
            return new IncomingWatermark(value, storageTime, metadata);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Moves the watermark forward to <paramref name="value"/>; never back.</summary>
    public async Task AdvanceAsync(BlobContainerClient incoming, DateTimeOffset value, CancellationToken cancellationToken)
    {
        if (value <= Value) return;
        var metadata = new Dictionary<string, string>(ContainerMetadata) { [Metadata] = value.UtcDateTime.ToString("O") };
        await incoming.SetMetadataAsync(metadata, cancellationToken: cancellationToken);
    }

    private static DateTimeOffset WholeSecond(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
