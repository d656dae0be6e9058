using System.Collections.Concurrent;

namespace SelfTrain.Serving;

/// <summary>How one background loop is doing, as <c>GET /api/health</c> shows it.</summary>
public sealed record BackgroundLoopReport(string Name, DateTimeOffset? LastSuccess, DateTimeOffset? LastErrorAt, string? LastError,
    int ConsecutiveFailures);

/// <summary>The last success and the last error of every background loop in the process.</summary>
public sealed class BackgroundLoopStatus
{
    private readonly ConcurrentDictionary<string, BackgroundLoopReport> _loops = new();

    public void Succeeded(string loop, DateTimeOffset at) =>
        _loops.AddOrUpdate(loop, _ => new BackgroundLoopReport(loop, at, null, null, 0),
            (_, report) => report with { LastSuccess = at, ConsecutiveFailures = 0 });

    public void Failed(string loop, Exception error, DateTimeOffset at)
    {
        var message = $"{error.GetType().Name}: {error.Message}";
        _loops.AddOrUpdate(loop, _ => new BackgroundLoopReport(loop, null, at, message, 1),
            (_, report) => report with { LastErrorAt = at, LastError = message, ConsecutiveFailures = report.ConsecutiveFailures + 1 });
    }

    public IReadOnlyList<BackgroundLoopReport> Snapshot() => _loops.Values.OrderBy(r => r.Name, StringComparer.Ordinal).ToArray();
}
