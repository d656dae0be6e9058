using Azure;
using Azure.Storage.Blobs;
using SelfTrain.Core;
using SelfTrain.Inference;

namespace SelfTrain.Serving;

/// <summary>
/// One uploaded blob read into memory (within the byte limit), with its content address; or, when it is too big
/// or empty, the reason together with the address of its full content.
/// </summary>
public sealed record IncomingImage(string BlobName, ContentAddress Content, byte[]? Bytes, ImageRejectedException? ReadRejection)
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
            await using var stream = await blob.OpenReadAsync(cancellationToken: cancellationToken);
            return await ReadAsync(blob.Name, stream, () => blob.OpenReadAsync(cancellationToken: cancellationToken), limits, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }
}
