namespace SelfTrain.Storage;

/// <summary>Every complete model version, newest first, and the pointer naming the champion.</summary>
public sealed record ModelListing(ChampionPointer? Champion, IReadOnlyList<ModelVersionSummary> Versions);

/// <summary>A version as the registry lists it: its manifest's identity, lineage and metrics, not its preprocessing.</summary>
public sealed record ModelVersionSummary(
    string Version,
    DateTimeOffset CreatedAt,
    bool IsChampion,
    ModelLineageSummary? Lineage,
    IReadOnlyDictionary<string, double> Metrics);

/// <summary>Where a version came from; absent for models registered from outside.</summary>
public sealed record ModelLineageSummary(string? Teacher, string Recipe, string? DataSnapshot);
