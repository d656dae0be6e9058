using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SelfTrain.Core;
using SelfTrain.Inference;

namespace SelfTrain.Serving;

/// <summary>
/// One uploaded blob read into memory (within the byte limit), with its content address and the ETag, metadata and
/// modification time of the version that was read; or, when it is too big or empty, the reason together with the address of its full
/// content. Whatever is later done to the blob (checkpoint, quarantine, delete) is conditional on that ETag, so a newer
/// upload under the same name is never mistaken for this one.
/// </summary>
public sealed record IncomingImage(string BlobName, ContentAddress Content, byte[]? Bytes, ImageRejectedException? ReadRejection,
    ETag? ETag = null, IReadOnlyDictionary<string, string>? Metadata = null, DateTimeOffset? LastModified = null)
{
    public static async Task<IncomingImage> ReadAsync(string blobName, Stream content, Func<Task<Stream>> reopen, ImageLimits limits,
        CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await ImageDecoder.ReadAsync(content, limits, cancellationToken);
            return new IncomingImage(blobName, ContentAddress.Of(bytes), bytes, null);
        }
        catch (ImageRejectedException rejection)
        {
            // Too big to keep in memory: hash it streaming, so even a refused upload has a stable identity.
            await using var whole = await reopen();
            return new IncomingImage(blobName, await ContentAddress.OfAsync(whole, cancellationToken), null, rejection);
        }
    }

    /// <returns>Null when the blob no longer exists (already handled and moved, or deleted).</returns>
    public static async Task<IncomingImage?> DownloadAsync(BlobClient blob, ImageLimits limits, CancellationToken cancellationToken)
    {
        try
        {
            var download = (await blob.DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
            await using var stream = download.Content;
            var etag = download.Details.ETag;
            var image = await ReadAsync(blob.Name, stream, () => OpenAsync(blob, etag, cancellationToken), limits, cancellationToken);
            return image with { ETag = etag, Metadata = new Dictionary<string, string>(download.Details.Metadata), LastModified = download.Details.LastModified };
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null; // gone, or replaced while being read (the new upload is its own delivery)
        }
    }

    /// <summary>The same version of the blob again, streamed.</summary>
    public static Task<Stream> OpenAsync(BlobClient blob, ETag? etag, CancellationToken cancellationToken) =>
        blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false)
        {
            Conditions = etag is { } version ? new BlobRequestConditions { IfMatch = version } : null,
        }, cancellationToken);
}
