using Microsoft.Extensions.Logging;
using SelfTrain.Serving;

namespace SelfTrain.Host;

/// <summary>
/// Feeds <see cref="ImageLabeler"/> where no Event Grid delivers blob events (the local host on Azurite): sweeps
/// <c>incoming/</c> for every blob without a checkpoint, whatever its age, so it is both the trigger and the safety
/// net. Overwriting a blob clears its metadata, so a changed blob is seen again; a restart resumes from the marks, and
/// a blob labelled twice after a crash between row and mark changes nothing (rows are idempotent).
/// </summary>
public sealed partial class IncomingWatcher(IncomingSweeper sweeper, ServingOptions options, BackgroundLoopStatus status, TimeProvider clock,
    ILogger<IncomingWatcher> logger) : BackgroundLoop(status, clock, logger)
{
    private TimeSpan _idleWait = options.IncomingPollInterval;

    public override string Name => "incoming-watcher";

    /// <summary>One sweep of <c>incoming/</c>: labels every blob without a checkpoint. Returns how many it handled.</summary>
    public Task<int> LabelPendingAsync(CancellationToken cancellationToken = default) => sweeper.SweepAsync(TimeSpan.Zero, cancellationToken);

    protected override async Task<TimeSpan> RunOnceAsync(CancellationToken cancellationToken)
    {
        var started = Clock.GetTimestamp();
        var labelled = 0;
        try
        {
            labelled = await LabelPendingAsync(cancellationToken);
        }
        catch (NoChampionException)
        {
            LogWaitingForChampion(); // not a failure: the images wait in place until a champion serves
        }
        if (labelled > 0)
        {
            _idleWait = options.IncomingPollInterval;
            return TimeSpan.Zero;
        }
        // Idle: back off, and never list for more than a tenth of the time, however large the container grows.
        var wait = Max(_idleWait, Clock.GetElapsedTime(started) * 9);
        _idleWait = Min(_idleWait * 2, Max(options.IncomingIdlePollInterval, options.IncomingPollInterval));
        return wait;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(LogLevel.Information, "Incoming images wait for a champion model")]
    private partial void LogWaitingForChampion();
}
