using Azure;
using Azure.Storage.Blobs;

namespace SelfTrain.Storage;

public static class BlobContainerExtensions
{
    /// <summary>
    /// The content of the first of <paramref name="names"/> that still exists — one image may have been uploaded under
    /// several names, some since removed — or null when none does.
    /// </summary>
    public static async Task<byte[]?> DownloadFirstExistingAsync(this BlobContainerClient container, IEnumerable<string> names,
        CancellationToken cancellationToken = default)
    {
        foreach (var name in names)
        {
            try
            {
                return (await container.GetBlobClient(name).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
            }
            catch (RequestFailedException ex) when (ex.Status == 404) { }
        }
        return null;
    }
}
