using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs;
using Azure;
using SelfTrain.Core.Models;
using SelfTrain.Core;

namespace SelfTrain.Storage;

/// <summary>Which version serves, as stored in <c>models/champion.json</c>.</summary>
public sealed record ChampionPointer(string Version, DateTimeOffset Since, string? Previous, string Reason);

/// <summary>A champion pointer together with the ETag a conditional update must match.</summary>
public sealed record ChampionState(ChampionPointer Pointer, ETag ETag);

/// <summary>
/// Model versions: <c>{version}/model.onnx</c> and <c>{version}/manifest.json</c> in the <c>models</c> container
/// (registered or promoted models, and the champion pointer) or in <c>candidates</c> (the trainer's output, which only
/// a promotion copies into <c>models</c>). A version is written once: a second write is refused, never an overwrite.
/// The manifest is written last and records the SHA-256 of <c>model.onnx</c>; every load checks the bytes against
/// it, so a version without a manifest is incomplete and a changed model is refused.
/// </summary>
public sealed class ModelStore(StorageAccount storage, StorageLayout layout)
{
    public const string ChampionBlob = "champion.json";
    private static readonly JsonSerializerOptions Json = SelfTrainJson.Indented;

    private BlobContainerClient Container => storage.Blobs.GetBlobContainerClient(layout.Models);
    private BlobContainerClient Candidates => storage.Blobs.GetBlobContainerClient(layout.Candidates);

    public static string OnnxBlob(string version) => $"{version}/model.onnx";
    public static string ManifestBlob(string version) => $"{version}/manifest.json";

    /// <summary>The lower-case hex SHA-256 a manifest records for these bytes.</summary>
    public static string Sha256Of(ReadOnlySpan<byte> onnx) => Convert.ToHexStringLower(SHA256.HashData(onnx));

    /// <summary>Registers a version in <c>models/</c>.</summary>
    /// <returns>The manifest as stored, with the model's SHA-256.</returns>
    /// <exception cref="ModelVersionExistsException">The version was already written.</exception>
    public Task<ModelManifest> SaveAsync(byte[] onnx, ModelManifest manifest, CancellationToken cancellationToken = default) =>
        WriteAsync(Container, onnx, manifest, cancellationToken);

    /// <summary>Stores a trainer's candidate in <c>candidates/</c>.</summary>
    /// <inheritdoc cref="SaveAsync"/>
    public Task<ModelManifest> SaveCandidateAsync(byte[] onnx, ModelManifest manifest, CancellationToken cancellationToken = default) =>
        WriteAsync(Candidates, onnx, manifest, cancellationToken);

    public Task<ModelManifest> GetManifestAsync(string version, CancellationToken cancellationToken = default) =>
        ReadManifestAsync(Container, version, cancellationToken);

    /// <summary>A version of <c>models/</c>, its bytes checked against its manifest.</summary>
    /// <exception cref="ModelNotFoundException">No such complete version.</exception>
    /// <exception cref="ModelIntegrityException">The bytes are not those the manifest records.</exception>
    public Task<(byte[] Onnx, ModelManifest Manifest)> LoadAsync(string version, CancellationToken cancellationToken = default) =>
        ReadAsync(Container, version, cancellationToken);

    /// <summary>A version of <c>candidates/</c>, checked as <see cref="LoadAsync"/> checks.</summary>
    /// <inheritdoc cref="LoadAsync"/>
    public Task<(byte[] Onnx, ModelManifest Manifest)> LoadCandidateAsync(string version, CancellationToken cancellationToken = default) =>
        ReadAsync(Candidates, version, cancellationToken);

    /// <summary>
    /// Makes <paramref name="version"/> available in <c>models/</c>: a candidate is copied there after its bytes are
    /// checked; a version already there is checked in place. With <paramref name="expectedSha256"/>, the bytes must
    /// also be the ones validated.
    /// </summary>
    /// <exception cref="ModelNotFoundException">Neither <c>models/</c> nor <c>candidates/</c> holds the version.</exception>
    /// <exception cref="ModelIntegrityException">The bytes are not the manifest's, or not the expected ones.</exception>
    public async Task<ModelManifest> PublishAsync(string version, string? expectedSha256 = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return Expected((await LoadAsync(version, cancellationToken)).Manifest);
        }
        catch (ModelNotFoundException)
        {
            var (onnx, candidate) = await LoadCandidateAsync(version, cancellationToken);
            return await WriteAsync(Container, onnx, Expected(candidate), cancellationToken, completeOnly: true);
        }

        ModelManifest Expected(ModelManifest manifest) =>
            expectedSha256 is null || manifest.Sha256 == expectedSha256 ? manifest
                : throw new ModelIntegrityException(version, $"its model.onnx has SHA-256 {manifest.Sha256}, not the validated {expectedSha256}");
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
    /// <exception cref="ModelNotFoundException">The version is not complete in <c>models/</c>.</exception>
    /// <exception cref="ModelIntegrityException">Its bytes are not the ones its manifest records.</exception>
    public async Task<bool> TrySetChampionAsync(ChampionPointer pointer, ChampionState? expected, CancellationToken cancellationToken = default)
    {
        await LoadAsync(pointer.Version, cancellationToken); // never point at a version that is incomplete or changed
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

    /// <param name="completeOnly">Publishing: the version may already have its model.onnx (a copy that stopped before
    /// the manifest); the same bytes are then completed rather than refused.</param>
    private async Task<ModelManifest> WriteAsync(BlobContainerClient container, byte[] onnx, ModelManifest manifest,
        CancellationToken cancellationToken, bool completeOnly = false)
    {
        manifest.EnsureValid();
        if (manifest.Version == ModelRegistry.HistoryFolder)
            throw new ArgumentException($"'{ModelRegistry.HistoryFolder}' is reserved for the registry's history.", nameof(manifest));
        var sha = Sha256Of(onnx);
        if (manifest.Sha256 is { } recorded && recorded != sha)
            throw new InvalidDataException($"Manifest '{manifest.Version}' records SHA-256 {recorded}, but the model's bytes hash to {sha}.");
        manifest = manifest with { Sha256 = sha };

        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var once = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };
        try
        {
            await container.GetBlobClient(OnnxBlob(manifest.Version)).UploadAsync(BinaryData.FromBytes(onnx), once, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            if (!completeOnly || await ExistsAsync(container, ManifestBlob(manifest.Version), cancellationToken)
                || Sha256Of((await container.GetBlobClient(OnnxBlob(manifest.Version)).DownloadContentAsync(cancellationToken)).Value.Content) != sha)
                throw new ModelVersionExistsException(container.Name, manifest.Version);
        }
        try
        {
            await container.GetBlobClient(ManifestBlob(manifest.Version))
                .UploadAsync(BinaryData.FromString(ModelManifestJson.Serialize(manifest)), once, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw new ModelVersionExistsException(container.Name, manifest.Version);
        }
        return manifest;
    }

    private static async Task<bool> ExistsAsync(BlobContainerClient container, string blob, CancellationToken cancellationToken) =>
        (await container.GetBlobClient(blob).ExistsAsync(cancellationToken)).Value;

    private static async Task<ModelManifest> ReadManifestAsync(BlobContainerClient container, string version, CancellationToken cancellationToken)
    {
        if (!ModelManifest.IsValidVersion(version)) throw new ModelNotFoundException(version);
        var blob = container.GetBlobClient(ManifestBlob(version));
        try
        {
            var content = await blob.DownloadContentAsync(cancellationToken);
            var manifest = ModelManifestJson.Deserialize(content.Value.Content.ToString(), $"{container.Name}/{blob.Name}");
            return manifest.Version == version ? manifest
                : throw new InvalidDataException($"{container.Name}/{blob.Name} names version '{manifest.Version}', not '{version}'.");
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new ModelNotFoundException(version);
        }
    }

    private static async Task<(byte[] Onnx, ModelManifest Manifest)> ReadAsync(BlobContainerClient container, string version,
        CancellationToken cancellationToken)
    {
        var manifest = await ReadManifestAsync(container, version, cancellationToken);
        byte[] onnx;
        try
        {
            onnx = (await container.GetBlobClient(OnnxBlob(version)).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new ModelNotFoundException(version);
        }
        if (manifest.Sha256 is null)
            throw new ModelIntegrityException(version, $"{container.Name}/{ManifestBlob(version)} records no sha256 of model.onnx");
        var actual = Sha256Of(onnx);
        return actual == manifest.Sha256 ? (onnx, manifest)
            : throw new ModelIntegrityException(version, $"{container.Name}/{OnnxBlob(version)} has SHA-256 {actual}, but its manifest records {manifest.Sha256}");
    }
}

public sealed class ModelNotFoundException(string version)
    : Exception($"Model version '{version}' does not exist or is incomplete (no manifest).")
{
    public string Version { get; } = version;
}
