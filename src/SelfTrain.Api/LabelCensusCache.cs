using Microsoft.Extensions.Logging;
using SelfTrain.Storage;

namespace SelfTrain.Api;

/// <summary>
/// The dashboard's view of the label table (<see cref="LabelStore.CensusAsync"/>). Counting reads every row, so it
/// runs at most once at a time, in the background, and at most once per <see cref="MaxAge"/>: a page shows the last
/// count with its time and starts the next one when that is older. Only the very first page waits for a count, and
/// for at most <see cref="FirstWait"/>; a count that fails is logged and the last one stays.
/// </summary>
public sealed partial class LabelCensusCache(LabelStore labels, TimeProvider clock, ILogger<LabelCensusCache> logger)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan FirstWait = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private LabelCensus? _last;
    private Task<LabelCensus?>? _counting;

    /// <returns>The latest count; null while the first one is still running or after it failed.</returns>
    public async Task<LabelCensus?> GetAsync(CancellationToken cancellationToken = default)
    {
        Task<LabelCensus?> counting;
        lock (_gate)
        {
            if (_last is { } fresh && clock.GetUtcNow() - fresh.CountedAt < MaxAge) return fresh;
            counting = _counting ??= Task.Run(CountAsync, CancellationToken.None);
            if (_last is { } stale) return stale;
        }
        try
        {
            return await counting.WaitAsync(FirstWait, clock, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    private async Task<LabelCensus?> CountAsync()
    {
        try
        {
            // Not the page's token: a count outlives the request that started it, and the next page uses it.
            var census = await labels.CensusAsync(clock, CancellationToken.None);
            lock (_gate) _last = census;
            return census;
        }
        catch (Exception ex)
        {
            LogCountFailed(ex);
            lock (_gate) return _last;
        }
        finally
        {
            lock (_gate) _counting = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting the label table for the dashboard failed; the last count stays")]
    private partial void LogCountFailed(Exception exception);
}
