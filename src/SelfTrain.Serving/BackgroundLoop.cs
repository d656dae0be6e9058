using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace SelfTrain.Serving;

/// <summary>
/// A background loop that never stops its host: a pass that throws anything but the host's own cancellation is
/// logged with the loop's name, recorded in <see cref="BackgroundLoopStatus"/> and retried with exponential backoff
/// (a Polly retry without an attempt limit, up to <see cref="MaxBackoff"/> between tries); a faulted
/// BackgroundService would take predict, labelling and rounds down with it.
/// </summary>
public abstract partial class BackgroundLoop : BackgroundService
{
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    private readonly BackgroundLoopStatus _status;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;

    protected BackgroundLoop(BackgroundLoopStatus status, TimeProvider clock, ILogger logger)
    {
        _status = status;
        _clock = clock;
        _logger = logger;
    }

    protected TimeProvider Clock => _clock;

    /// <summary>The loop's name in logs and in the health report.</summary>
    public abstract string Name { get; }

    /// <summary>One pass; returns how long to wait before the next.</summary>
    protected abstract Task<TimeSpan> RunOnceAsync(CancellationToken cancellationToken);

    /// <summary>The wait between passes; a loop may end it early when it learns there is work. Ends quietly on cancellation.</summary>
    protected virtual Task PauseAsync(TimeSpan wait, CancellationToken cancellationToken) => Task.Delay(wait, _clock, cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pipeline = new ResiliencePipelineBuilder<TimeSpan> { TimeProvider = _clock }
            .AddRetry(new RetryStrategyOptions<TimeSpan>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } error
                    && !(error is OperationCanceledException && stoppingToken.IsCancellationRequested)),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = FirstBackoff,
                MaxDelay = MaxBackoff,
                OnRetry = args =>
                {
                    _status.Failed(Name, args.Outcome.Exception!, _clock.GetUtcNow());
                    LogPassFailed(args.Outcome.Exception!, Name, args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await pipeline.ExecuteAsync(async token =>
                {
                    var next = await RunOnceAsync(token);
                    _status.Succeeded(Name, _clock.GetUtcNow());
                    return next;
                }, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            await PauseAsync(wait, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [LoggerMessage(LogLevel.Error, "Background loop {Loop}: pass failed ({Failures} in a row); next try in {Delay}")]
    private partial void LogPassFailed(Exception error, string loop, int failures, TimeSpan delay);
}
