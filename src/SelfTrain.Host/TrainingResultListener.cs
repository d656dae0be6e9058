using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using SelfTrain.Serving;
using SelfTrain.Storage;
using SelfTrain.Workflow.Round;

namespace SelfTrain.Host;

/// <summary>
/// The local host's stand-in for the Functions queue trigger on <c>training-results</c>: receives each result,
/// routes it to its round, and deletes it only then, so a crash in between redelivers it. Like the trigger
/// (<c>host.json</c>'s <c>maxDequeueCount</c>), a result that fails <see cref="MaxDeliveries"/> times moves to
/// <c>training-results-poison</c> rather than being retried forever or lost.
/// </summary>
public sealed partial class TrainingResultListener(StorageAccount storage, StorageLayout layout, DurableTaskClient client,
    TrainingResultRouter router, BackgroundLoopStatus status, TimeProvider clock, ILogger<TrainingResultListener> logger)
    : BackgroundLoop(status, clock, logger)
{
    /// <summary>Deliveries before an unroutable result moves to the poison queue: <c>host.json</c>'s <c>queues.maxDequeueCount</c>.</summary>
    public const int MaxDeliveries = 3;

    /// <summary>How long a result that could not be routed stays hidden before the next try.</summary>
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(10);

    public override string Name => "training-result-listener";

    protected override async Task<TimeSpan> RunOnceAsync(CancellationToken cancellationToken)
    {
        var queue = storage.Queues.GetQueueClient(layout.TrainingResults);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var messages = (await queue.ReceiveMessagesAsync(16, RetryAfter, cancellationToken)).Value;
        foreach (var message in messages)
        {
            try
            {
                await router.RouteAsync(client, message.Body.ToString(), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && message.DequeueCount < MaxDeliveries)
            {
                LogRoutingFailed(ex, (int)message.DequeueCount); // left in the queue: visible again after its timeout
                continue;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var poison = storage.Queues.GetQueueClient(layout.TrainingResultsPoison);
                await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                await poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
                LogGivenUp(ex, (int)message.DequeueCount, layout.TrainingResultsPoison);
            }
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
        return messages.Length > 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(1);
    }

    [LoggerMessage(LogLevel.Warning, "A training result could not be routed (delivery {Delivery}); it will be tried again")]
    private partial void LogRoutingFailed(Exception error, int delivery);

    [LoggerMessage(LogLevel.Error, "A training result could not be routed in {Delivery} deliveries; moved to {PoisonQueue}")]
    private partial void LogGivenUp(Exception error, int delivery, string poisonQueue);
}
