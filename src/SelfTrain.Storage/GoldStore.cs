using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace SelfTrain.Storage;

/// <summary>A gold split: images whose true labels a person gave.</summary>
public enum GoldSplit
{
    /// <summary>Trains models (kept in every student batch).</summary>
    Train,
    /// <summary>Chooses pseudo-label thresholds and judges candidates; never trained on.</summary>
    Validation,
    /// <summary>Touched only by reports.</summary>
    Test,
}

/// <summary>One gold image: its blob and its true class.</summary>
public sealed record GoldImage(string BlobName, int ClassIndex);

/// <summary>
/// The gold data in the <c>gold</c> container: <c>classes.json</c> (the class names, in model output order) and one
/// blob per image at <c>{split}/{class index}/{file}</c>, so a folder per class as image datasets usually come.
/// </summary>
public sealed class GoldStore(StorageAccount storage, StorageLayout layout)
{
    public const string ClassesBlob = "classes.json";

    private BlobContainerClient Container => storage.Blobs.GetBlobContainerClient(layout.Gold);

    public static string Prefix(GoldSplit split) => split.ToString().ToLowerInvariant() + "/";

    public static string BlobName(GoldSplit split, int classIndex, string file) => $"{Prefix(split)}{classIndex}/{file}";

    public async Task SetClassesAsync(IReadOnlyList<string> classes, CancellationToken cancellationToken = default)
    {
        await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await Container.GetBlobClient(ClassesBlob).UploadAsync(BinaryData.FromObjectAsJson(classes), overwrite: true, cancellationToken);
    }

    /// <returns>The class names, or null when no gold data has been registered.</returns>
    public async Task<IReadOnlyList<string>?> GetClassesAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var content = await Container.GetBlobClient(ClassesBlob).DownloadContentAsync(cancellationToken);
            return content.Value.Content.ToObjectFromJson<string[]>();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async Task UploadAsync(GoldSplit split, int classIndex, string file, BinaryData image, CancellationToken cancellationToken = default) =>
        await Container.GetBlobClient(BlobName(split, classIndex, file)).UploadAsync(image, overwrite: true, cancellationToken);

    /// <summary>Every image of a split with its class, in a stable order (by blob name).</summary>
    /// <exception cref="InvalidDataException">A blob outside the <c>{split}/{class index}/{file}</c> layout, naming it.</exception>
    public async Task<IReadOnlyList<GoldImage>> ListAsync(GoldSplit split, CancellationToken cancellationToken = default)
    {
        var images = new List<GoldImage>();
        await foreach (var blob in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, Prefix(split), cancellationToken))
        {
            var parts = blob.Name.Split('/');
            if (parts.Length != 3 || !int.TryParse(parts[1], out var classIndex) || classIndex < 0)
                throw new InvalidDataException($"{layout.Gold}/{blob.Name} is not at {{split}}/{{class index}}/{{file}}.");
            images.Add(new GoldImage(blob.Name, classIndex));
        }
        return images;
    }

    /// <summary>Gold images stored in <paramref name="split"/>, or in every split; 0 before any gold data was uploaded.</summary>
    public async Task<int> CountAsync(GoldSplit? split = null, CancellationToken cancellationToken = default)
    {
        if (!await Container.ExistsAsync(cancellationToken)) return 0;
        var count = 0;
        await foreach (var blob in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, split is { } one ? Prefix(one) : null, cancellationToken))
            if (blob.Name != ClassesBlob) count++;
        return count;
    }

    /// <summary>Deletes every blob of the gold data (images and class list), so a new gold set replaces it whole; returns how many.</summary>
    public async Task<int> ClearAsync(CancellationToken cancellationToken = default)
    {
        if (!await Container.ExistsAsync(cancellationToken)) return 0;
        var deleted = 0;
        await foreach (var blob in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, null, cancellationToken))
        {
            await Container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
            deleted++;
        }
        return deleted;
    }

    public async Task<byte[]> DownloadAsync(string blobName, CancellationToken cancellationToken = default) =>
        (await Container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
}
