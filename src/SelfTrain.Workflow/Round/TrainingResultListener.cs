using Azure;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SelfTrain.Storage;

namespace SelfTrain.Workflow.Round;

/// <summary>
/// The local host's stand-in for the Functions queue trigger on <c>training-results</c>: receives each result,
/// routes it to its round, and deletes it only then, so a crash in between redelivers it.
/// </summary>
public sealed partial class TrainingResultListener(StorageAccount storage, StorageLayout layout, DurableTaskClient client,
    TrainingResultRouter router, TimeProvider clock, ILogger<TrainingResultListener> logger) : BackgroundService
{
    /// <summary>Deliveries before an unroutable result is dropped (as the Functions queue trigger's maxDequeueCount).</summary>
    private const int MaxDeliveries = 5;

    /// <summary>How long a result that could not be routed stays hidden before the next try.</summary>
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = storage.Queues.GetQueueClient(layout.TrainingResults);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                var messages = (await queue.ReceiveMessagesAsync(16, RetryAfter, stoppingToken)).Value;
                foreach (var message in messages)
                {
                    try
                    {
                        await router.RouteAsync(client, message.Body.ToString(), stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException && message.DequeueCount < MaxDeliveries)
                    {
                        LogRoutingFailed(ex, (int)message.DequeueCount); // left in the queue: visible again after its timeout
                        continue;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        LogGivenUp(ex, (int)message.DequeueCount);
                    }
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, stoppingToken);
                }
                if (messages.Length > 0) continue;
            }
            catch (RequestFailedException ex)
            {
                LogStorageFailed(ex);
            }
            await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Storage failed while reading training results; will try again")]
    private partial void LogStorageFailed(Exception error);

    [LoggerMessage(LogLevel.Warning, "A training result could not be routed (delivery {Delivery}); it will be tried again")]
    private partial void LogRoutingFailed(Exception error, int delivery);

    [LoggerMessage(LogLevel.Error, "A training result could not be routed in {Delivery} deliveries; dropped")]
    private partial void LogGivenUp(Exception error, int delivery);
}
