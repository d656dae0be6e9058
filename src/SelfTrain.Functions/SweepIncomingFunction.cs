using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using SelfTrain.Serving;

namespace SelfTrain.Functions;

/// <summary>
/// The safety net under the blob trigger, every five minutes: the poison queue and Event Grid's dead letters are
/// drained, and every blob of <c>incoming/</c> without a label that is older than <c>Serving:SweepMinimumAge</c> is
/// labelled through the same handler. Nothing uploaded is left unlabelled for longer than that.
/// </summary>
public sealed partial class SweepIncomingFunction(IncomingSweeper sweeper, ServingOptions options, ILogger<SweepIncomingFunction> logger)
{
    [Function("SweepIncoming")]
    public async Task Run([TimerTrigger("0 */5 * * * *")] TimerInfo timer, FunctionContext context)
    {
        try
        {
            await sweeper.DrainPoisonQueueAsync(context.CancellationToken);
            await sweeper.DrainDeadLettersAsync(context.CancellationToken);
            var labelled = await sweeper.SweepAsync(options.SweepMinimumAge, context.CancellationToken);
            if (labelled > 0) LogSwept(labelled);
        }
        catch (NoChampionException)
        {
            LogWaitingForChampion(); // the next sweep tries again
        }
    }

    [LoggerMessage(LogLevel.Warning, "The sweep labelled {Count} images no delivery had labelled")]
    private partial void LogSwept(int count);

    [LoggerMessage(LogLevel.Information, "Unlabelled images wait for a champion model")]
    private partial void LogWaitingForChampion();
}
