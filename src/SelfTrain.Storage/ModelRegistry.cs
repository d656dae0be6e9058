using System.Globalization;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs;
using Azure;
using SelfTrain.Core.Models;
using SelfTrain.Core;

namespace SelfTrain.Storage;

/// <summary>
/// The model registry over <see cref="ModelStore"/>: lists complete versions with their lineage, moves the champion
/// pointer on behalf of the gate, an operator or a rollback, and keeps an append-only history of every change and
/// every rejected candidate as one blob per event: <c>models/history/{yyyyMMddTHHmmssfffZ}-{kind}-{version}.json</c>.
/// </summary>
/// <remarks>
/// A separate class rather than more of <see cref="ModelStore"/>: serving needs only versions and the pointer, while
/// the registry adds the audit trail and the rules for changing the champion on top of them.
/// </remarks>
public sealed class ModelRegistry(ModelStore models, StorageAccount storage, StorageLayout layout, TimeProvider clock)
{
    /// <summary>The folder of <c>models</c> holding the history; no version may take this name.</summary>
    public const string HistoryFolder = "history";

    private const string TimeFormat = "yyyyMMdd'T'HHmmssfff'Z'";
    private const int ReadConcurrency = 8;
    private static readonly JsonSerializerOptions Json = SelfTrainJson.Indented;

    private BlobContainerClient Container => storage.Blobs.GetBlobContainerClient(layout.Models);

    /// <summary>The blob a record is stored as: names sort by time, and say what happened to which version.</summary>
    public static string HistoryBlob(ChampionHistoryEntry entry) =>
        $"{HistoryFolder}/{entry.At.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}-{JsonNamingOf(entry.Kind)}-{entry.Version}.json";

    /// <summary>Every version with a readable manifest, newest first; a version still being written is left out.</summary>
    public async Task<ModelListing> ListAsync(CancellationToken cancellationToken = default)
    {
        var champion = (await models.GetChampionAsync(cancellationToken))?.Pointer;
        var folders = new List<string>();
        try
        {
            await foreach (var item in Container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", prefix: null, cancellationToken))
                if (item.IsPrefix && item.Prefix.TrimEnd('/') is var folder && folder != HistoryFolder)
                    folders.Add(folder);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return new ModelListing(champion, []); // no container yet: nothing was ever registered
        }

        var manifests = await ReadAllAsync(folders, TryGetManifestAsync, cancellationToken);
        var versions = manifests.OfType<ModelManifest>()
            .OrderByDescending(m => m.CreatedAt).ThenBy(m => m.Version, StringComparer.Ordinal)
            .Select(m => new ModelVersionSummary(m.Version, m.CreatedAt, m.Version == champion?.Version,
                m.Lineage is { } l ? new ModelLineageSummary(l.Teacher, l.Recipe, l.DataSnapshot) : null, m.Metrics))
            .ToArray();
        return new ModelListing(champion, versions);
    }

    /// <summary>The history, newest first; at most <paramref name="limit"/> records when given.</summary>
    public async Task<IReadOnlyList<ChampionHistoryEntry>> HistoryAsync(int? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit ?? 0, nameof(limit));
        var names = new List<string>();
        try
        {
            await foreach (var blob in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, HistoryFolder + "/", cancellationToken))
                names.Add(blob.Name);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return [];
        }
        // Only the names are listed in full; the fixed-width timestamp makes ordinal order time order.
        var newest = names.OrderDescending(StringComparer.Ordinal).Take(limit ?? int.MaxValue).ToArray();
        return await ReadAllAsync(newest, ReadEntryAsync, cancellationToken);
    }

    /// <summary>
    /// Makes <paramref name="version"/> the champion if the pointer is still <paramref name="expected"/> (null: only if
    /// there is no champion yet), then records the change. Promoting the version that already serves changes nothing.
    /// </summary>
    /// <returns>The pointer now in place, or null when someone else moved it first (nothing is recorded then).</returns>
    /// <exception cref="ModelNotFoundException">The version does not exist or is incomplete.</exception>
    public async Task<ChampionPointer?> PromoteAsync(string version, ChampionChangeKind kind, string reason, ChampionState? expected,
        IReadOnlyDictionary<string, double>? metrics = null, CancellationToken cancellationToken = default)
    {
        if (kind == ChampionChangeKind.Rejected)
            throw new ArgumentOutOfRangeException(nameof(kind), kind, $"A rejection keeps the champion: use {nameof(RecordRejectionAsync)}.");
        if (expected?.Pointer.Version == version)
            return expected.Pointer;

        var pointer = new ChampionPointer(version, clock.GetUtcNow(), expected?.Pointer.Version, reason);
        if (!await models.TrySetChampionAsync(pointer, expected, cancellationToken))
            return null;
        // Recorded after the move: a crash in between loses one record, but no record ever claims a move that lost.
        await RecordAsync(new ChampionHistoryEntry(version, kind, pointer.Previous, [reason], pointer.Since, metrics), cancellationToken);
        return pointer;
    }

    /// <summary>
    /// Moves the champion back to the pointer's previous version, with the same condition as any promotion. The
    /// version rolled back from becomes the new previous, so a second rollback undoes the first.
    /// </summary>
    /// <returns>The pointer now in place, or null when someone else moved it first.</returns>
    /// <exception cref="NoPreviousChampionException">There is no champion, or it has no previous version.</exception>
    /// <exception cref="ModelNotFoundException">The previous version is no longer complete.</exception>
    public async Task<ChampionPointer?> RollbackAsync(string reason, CancellationToken cancellationToken = default)
    {
        var current = await models.GetChampionAsync(cancellationToken)
            ?? throw new NoPreviousChampionException("There is no champion, so there is nothing to roll back.");
        var previous = current.Pointer.Previous
            ?? throw new NoPreviousChampionException($"Champion '{current.Pointer.Version}' has no previous champion to roll back to.");
        return await PromoteAsync(previous, ChampionChangeKind.Rollback, reason, current, cancellationToken: cancellationToken);
    }

    /// <summary>Records that a round's candidate was refused and the champion kept.</summary>
    public async Task<ChampionHistoryEntry> RecordRejectionAsync(string version, IReadOnlyList<string> reasons,
        IReadOnlyDictionary<string, double>? metrics = null, CancellationToken cancellationToken = default)
    {
        var champion = await models.GetChampionAsync(cancellationToken);
        return await RecordAsync(new ChampionHistoryEntry(version, ChampionChangeKind.Rejected, champion?.Pointer.Version,
            reasons, clock.GetUtcNow(), metrics), cancellationToken);
    }

    private async Task<ChampionHistoryEntry> RecordAsync(ChampionHistoryEntry entry, CancellationToken cancellationToken)
    {
        await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var options = new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
        };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Container.GetBlobClient(HistoryBlob(entry)).UploadAsync(BinaryData.FromObjectAsJson(entry, Json), options, cancellationToken);
                return entry;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 1000)
            {
                // The same event for the same version within one millisecond: records are never replaced, so take the next.
                entry = entry with { At = entry.At.AddMilliseconds(1) };
            }
        }
    }

    private async Task<ChampionHistoryEntry> ReadEntryAsync(string name, CancellationToken cancellationToken)
    {
        var content = await Container.GetBlobClient(name).DownloadContentAsync(cancellationToken);
        return content.Value.Content.ToObjectFromJson<ChampionHistoryEntry>(Json)
            ?? throw new InvalidDataException($"{layout.Models}/{name} is empty.");
    }

    private async Task<ModelManifest?> TryGetManifestAsync(string version, CancellationToken cancellationToken)
    {
        try
        {
            return await models.GetManifestAsync(version, cancellationToken);
        }
        catch (Exception ex) when (ex is ModelNotFoundException or InvalidDataException)
        {
            return null; // incomplete or unreadable: it cannot be served, so it is not listed
        }
    }

    private static async Task<T[]> ReadAllAsync<T>(IReadOnlyList<string> names, Func<string, CancellationToken, Task<T>> read,
        CancellationToken cancellationToken)
    {
        var results = new T[names.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, names.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ReadConcurrency, CancellationToken = cancellationToken },
            async (i, token) => results[i] = await read(names[i], token));
        return results;
    }

    private static string JsonNamingOf(ChampionChangeKind kind) => JsonSerializer.Serialize(kind).Trim('"');
}

/// <summary>A rollback was asked for where there is nothing to go back to.</summary>
public sealed class NoPreviousChampionException(string message) : InvalidOperationException(message);
