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
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = storage.Queues.GetQueueClient(layout.TrainingResults);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                var messages = (await queue.ReceiveMessagesAsync(16, TimeSpan.FromMinutes(1), stoppingToken)).Value;
                foreach (var message in messages)
                {
                    await router.RouteAsync(client, message.Body.ToString(), stoppingToken);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, stoppingToken);
                }
                if (messages.Length > 0) continue;
            }
            catch (RequestFailedException ex)
            {
                LogStorageFailed(ex);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRoutingFailed(ex); // the message stays and is tried again after its visibility timeout
            }
            await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Storage failed while reading training results; will try again")]
    private partial void LogStorageFailed(Exception error);

    [LoggerMessage(LogLevel.Error, "A training result could not be routed; it will be tried again")]
    private partial void LogRoutingFailed(Exception error);
}
