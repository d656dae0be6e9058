using Azure;
using Microsoft.Extensions.Logging;
using SelfTrain.Inference;
using SelfTrain.Serving;
using SelfTrain.Storage;

namespace SelfTrain.Host;

/// <summary>
/// Feeds <see cref="ImageLabeler"/> where no Event Grid delivers blob events (the local host on Azurite): sweeps
/// <c>incoming/</c> for every blob without a checkpoint, whatever its age, so it is both the trigger and the safety
/// net. Overwriting a blob clears its metadata, so a changed blob is seen again; a restart resumes from the marks, and
/// a blob labelled twice after a crash between row and mark changes nothing (rows are idempotent). Between listings
/// it checks for uploaders' <see cref="IncomingNotices"/> and lists at once when one waits. While no champion serves
/// it does not list at all: it looks for one as often as the champion pointer is read, so images that waited for the
/// first champion are labelled as soon as it serves, however long the idle back-off had grown.
/// </summary>
public sealed partial class IncomingWatcher(IncomingSweeper sweeper, IncomingNotices notices, ServedModel champion, ServingOptions options,
    BackgroundLoopStatus status, TimeProvider clock, ILogger<IncomingWatcher> logger) : BackgroundLoop(status, clock, logger)
{
    private TimeSpan _idleWait = options.IncomingPollInterval;
    private bool _waitingForChampion;

    public override string Name => "incoming-watcher";

    /// <summary>One sweep of <c>incoming/</c>: labels every blob without a checkpoint. Returns how many it handled.</summary>
    public Task<int> LabelPendingAsync(CancellationToken cancellationToken = default) => sweeper.SweepAsync(TimeSpan.Zero, cancellationToken);

    protected override async Task<TimeSpan> RunOnceAsync(CancellationToken cancellationToken)
    {
        var started = Clock.GetTimestamp();
        if (champion.Version is null) return WaitForChampion();
        int labelled;
        try
        {
            labelled = await LabelPendingAsync(cancellationToken);
        }
        catch (NoChampionException)
        {
            return WaitForChampion(); // withdrawn during the pass
        }
        _waitingForChampion = false;
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

    /// <summary>Not a failure: the images wait in place until a champion serves, and the back-off starts again then.</summary>
    private TimeSpan WaitForChampion()
    {
        if (!_waitingForChampion) LogWaitingForChampion();
        _waitingForChampion = true;
        _idleWait = options.IncomingPollInterval;
        return options.ChampionPollInterval;
    }

    /// <summary>Waits for the next listing, or until an uploader's notice says something arrived.</summary>
    protected override async Task PauseAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var started = Clock.GetTimestamp();
        while (Clock.GetElapsedTime(started) is var waited && waited < wait)
        {
            await Task.Delay(Min(wait - waited, options.IncomingNoticeInterval), Clock, cancellationToken);
            try
            {
                if (await notices.TakeAllAsync(cancellationToken)) return;
            }
            catch (RequestFailedException ex)
            {
                LogNoticesUnreadable(ex.Status); // the listing schedule stands; the next pass reports storage failures
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(LogLevel.Debug, "Upload notices could not be read (status {Status}); waiting for the next listing")]
    private partial void LogNoticesUnreadable(int status);

    [LoggerMessage(LogLevel.Information, "Incoming images wait for a champion model")]
    private partial void LogWaitingForChampion();
}
