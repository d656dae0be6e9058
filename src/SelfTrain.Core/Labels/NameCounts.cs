namespace SelfTrain.Core.Labels;

/// <summary>
/// Counts by name (class, model version, rejection reason) in bounded memory: past <see cref="MaxNames"/> distinct
/// names, the rest are counted under <see cref="Other"/>. Not thread-safe; callers hold their own lock.
/// </summary>
public sealed class NameCounts
{
    public const int MaxNames = 1024;
    public const string Other = "other";

    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    public void Add(string name, long value = 1)
    {
        if (!_counts.ContainsKey(name) && _counts.Count >= MaxNames) name = Other;
        _counts[name] = _counts.GetValueOrDefault(name) + value;
    }

    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_counts, StringComparer.Ordinal);
}
