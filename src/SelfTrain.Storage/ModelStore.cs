using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SelfTrain.Core.Models;

namespace SelfTrain.Storage;

/// <summary>Which version serves, as stored in <c>models/champion.json</c>.</summary>
public sealed record ChampionPointer(string Version, DateTimeOffset Since, string? Previous, string Reason);

/// <summary>A champion pointer together with the ETag a conditional update must match.</summary>
public sealed record ChampionState(ChampionPointer Pointer, ETag ETag);

/// <summary>
/// Model versions in the <c>models</c> container: <c>{version}/model.onnx</c> and <c>{version}/manifest.json</c>,
/// and the champion pointer. The manifest is written last, so a version without one is incomplete, never served.
/// </summary>
public sealed class ModelStore(StorageAccount storage, StorageLayout layout)
{
    public const string ChampionBlob = "champion.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private BlobContainerClient Container => storage.Blobs.GetBlobContainerClient(layout.Models);

    public static string OnnxBlob(string version) => $"{version}/model.onnx";
    public static string ManifestBlob(string version) => $"{version}/manifest.json";

    public async Task SaveAsync(byte[] onnx, ModelManifest manifest, CancellationToken cancellationToken = default)
    {
        manifest.EnsureValid();
        if (manifest.Version == ModelRegistry.HistoryFolder)
            throw new ArgumentException($"'{ModelRegistry.HistoryFolder}' is reserved for the registry's history.", nameof(manifest));
        await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await Container.GetBlobClient(OnnxBlob(manifest.Version)).UploadAsync(BinaryData.FromBytes(onnx), overwrite: true, cancellationToken);
        await Container.GetBlobClient(ManifestBlob(manifest.Version))
            .UploadAsync(BinaryData.FromString(ModelManifestJson.Serialize(manifest)), overwrite: true, cancellationToken);
    }

    public async Task<ModelManifest> GetManifestAsync(string version, CancellationToken cancellationToken = default)
    {
        var blob = Container.GetBlobClient(ManifestBlob(version));
        try
        {
            var content = await blob.DownloadContentAsync(cancellationToken);
            return ModelManifestJson.Deserialize(content.Value.Content.ToString(), $"{layout.Models}/{blob.Name}");
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new ModelNotFoundException(version);
        }
    }

    public async Task<(byte[] Onnx, ModelManifest Manifest)> LoadAsync(string version, CancellationToken cancellationToken = default)
    {
        var manifest = await GetManifestAsync(version, cancellationToken);
        try
        {
            var onnx = await Container.GetBlobClient(OnnxBlob(version)).DownloadContentAsync(cancellationToken);
            return (onnx.Value.Content.ToArray(), manifest);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new ModelNotFoundException(version);
        }
    }

    public async Task<ChampionState?> GetChampionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var content = await Container.GetBlobClient(ChampionBlob).DownloadContentAsync(cancellationToken);
            var pointer = content.Value.Content.ToObjectFromJson<ChampionPointer>(Json)
                ?? throw new InvalidDataException($"{layout.Models}/{ChampionBlob} is empty.");
            return new ChampionState(pointer, content.Value.Details.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Points the champion at <paramref name="version"/> if the pointer is still as the caller last read it
    /// (<paramref name="expected"/>; null: only if there is no champion yet). False when someone else moved it first.
    /// </summary>
    public Task<bool> TrySetChampionAsync(string version, string reason, ChampionState? expected, CancellationToken cancellationToken = default) =>
        TrySetChampionAsync(new ChampionPointer(version, DateTimeOffset.UtcNow, expected?.Pointer.Version, reason), expected, cancellationToken);

    /// <summary>As above, writing <paramref name="pointer"/> as given, so the caller can record the same time and previous.</summary>
    public async Task<bool> TrySetChampionAsync(ChampionPointer pointer, ChampionState? expected, CancellationToken cancellationToken = default)
    {
        await GetManifestAsync(pointer.Version, cancellationToken); // never point at a version that is not complete
        var conditions = expected is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = expected.ETag };
        try
        {
            await Container.GetBlobClient(ChampionBlob).UploadAsync(BinaryData.FromObjectAsJson(pointer, Json),
                new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
                cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }
}

public sealed class ModelNotFoundException(string version)
    : Exception($"Model version '{version}' does not exist or is incomplete (no manifest).")
{
    public string Version { get; } = version;
}
