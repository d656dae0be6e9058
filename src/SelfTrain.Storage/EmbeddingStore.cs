using Azure;
using Azure.Storage.Blobs;
using SelfTrain.Core.Embeddings;
using SelfTrain.Core.Models;

namespace SelfTrain.Storage;

/// <summary>
/// Image embeddings in the <c>embeddings</c> container, one blob per embedding model and set:
/// <c>{model}/gold-{split}.emb</c> and <c>{model}/pool-{partition}.emb</c> (<see cref="EmbeddingSetFormat"/>). An image is
/// embedded once per model: a set grows by the images it lacks.
/// </summary>
public sealed class EmbeddingStore(StorageAccount storage, StorageLayout layout)
{
    private BlobContainerClient Container => storage.Blobs.GetBlobContainerClient(layout.Embeddings);

    public static string GoldSet(GoldSplit split) => $"gold-{split.ToString().ToLowerInvariant()}";
    public static string PoolSet(string partition) => $"pool-{partition}";

    private static string BlobName(string model, string set)
    {
        if (!ModelManifest.IsValidVersion(model)) throw new ArgumentException(ModelManifest.VersionRule(model, "embedding model"), nameof(model));
        return $"{model}/{set}.emb";
    }

    /// <returns>The stored set, or null when the model has embedded none of it yet.</returns>
    /// <exception cref="InvalidDataException">The blob is damaged, naming it.</exception>
    public async Task<EmbeddingSet?> ReadAsync(string model, string set, CancellationToken cancellationToken = default)
    {
        var name = BlobName(model, set);
        try
        {
            var content = await Container.GetBlobClient(name).DownloadContentAsync(cancellationToken);
            using var stream = content.Value.Content.ToStream();
            var read = EmbeddingSetFormat.Read(stream, $"{layout.Embeddings}/{name}");
            return read.Model == model ? read
                : throw new InvalidDataException($"{layout.Embeddings}/{name} holds embeddings of '{read.Model}', not '{model}'.");
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async Task WriteAsync(string set, EmbeddingSet embeddings, CancellationToken cancellationToken = default)
    {
        await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        using var buffer = new MemoryStream();
        EmbeddingSetFormat.Write(embeddings, buffer);
        buffer.Position = 0;
        await Container.GetBlobClient(BlobName(embeddings.Model, set)).UploadAsync(buffer, overwrite: true, cancellationToken);
    }
}
