using System.Text.Json.Serialization;

namespace SelfTrain.Storage;

/// <summary>What a history record says happened; the JSON and blob names use the lower-case names.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChampionChangeKind>))]
public enum ChampionChangeKind
{
    /// <summary>The gate promoted a candidate.</summary>
    [JsonStringEnumMemberName("promoted")] Promoted,

    /// <summary>The gate kept the champion; the record names the candidate it refused.</summary>
    [JsonStringEnumMemberName("rejected")] Rejected,

    /// <summary>The champion went back to the pointer's previous version.</summary>
    [JsonStringEnumMemberName("rollback")] Rollback,

    /// <summary>A person chose the champion, overriding the gate.</summary>
    [JsonStringEnumMemberName("manual")] Manual,
}

/// <summary>
/// One change of the champion, or one gate decision that kept it: stored once, never rewritten, under
/// <c>models/history/</c>.
/// </summary>
/// <param name="Version">The version promoted, restored, or (for a rejection) refused.</param>
/// <param name="Previous">The champion before the event; for a rejection, the champion that was kept.</param>
/// <param name="At">When it happened; for a change, the same instant as the pointer's <c>since</c>.</param>
/// <param name="Metrics">What the decision was based on, where there was a measurement.</param>
public sealed record ChampionHistoryEntry(
    string Version,
    ChampionChangeKind Kind,
    string? Previous,
    IReadOnlyList<string> Reasons,
    DateTimeOffset At,
    IReadOnlyDictionary<string, double>? Metrics = null);
