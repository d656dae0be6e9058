using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SelfTrain.Host.Durable;

/// <summary>
/// The Durable Task engine of a host outside Azure Functions: DurableTask.Core's <see cref="TaskHubWorker"/> on the
/// Azure Storage provider, running the registered SDK classes through <see cref="DurableTaskShimFactory"/>. Its
/// dispatchers hold the durable semantics (history replay, lock renewal of running activities, dropping a start
/// message redelivered after a crash); nothing here patches them. The worker is never disposed: its Dispose only
/// disposes the lock its StopAsync releases, so disposing it while a stop is still draining faults that stop.
/// </summary>
internal sealed class LocalDurableEngine(AzureStorageOrchestrationService storage, LocalDurableTaskOptions options, LocalTaskRegistry registry,
    IServiceProvider services, ILoggerFactory loggerFactory) : IHostedService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<LocalDurableEngine>();
    private TaskHubWorker? _worker;
    private Task? _stopping;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The worker never creates the task hub (its queues, tables and lease records) itself.
        await storage.CreateIfNotExistsAsync().WaitAsync(cancellationToken);

        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { DataConverter = options.DataConverter }, loggerFactory);
        _worker = new TaskHubWorker(storage, loggerFactory)
        {
            // An activity's exception reaches its orchestrator as the SDK's TaskFailedException with its details.
            ErrorPropagationMode = ErrorPropagationMode.UseFailureDetails,
        };
        // A new orchestrator instance per turn, wrapped by the SDK's shim, which replays it on DurableTask.Core's context.
        _worker.AddTaskOrchestrations(registry.Orchestrators
            .Select(task => (ObjectCreator<TaskOrchestration>)new TaskCreator<TaskOrchestration>(task.Key, () =>
                shims.CreateOrchestration(new TaskName(task.Key), (ITaskOrchestrator)ActivatorUtilities.CreateInstance(services, task.Value))))
            .ToArray());
        _worker.AddTaskActivities(registry.Activities
            .Select(task => (ObjectCreator<TaskActivity>)new TaskCreator<TaskActivity>(task.Key, () => new ScopedActivity(task.Key, task.Value, services, shims)))
            .ToArray());
        await _worker.StartAsync().WaitAsync(cancellationToken);
        _logger.LogInformation("Durable Task worker for task hub {TaskHub} started: {Orchestrators} orchestrators, {Activities} activities",
            options.TaskHubName, registry.Orchestrators.Count, registry.Activities.Count);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_worker is null) return;
        // Forced: turns and activities still running are abandoned, not drained; their messages reappear after the
        // visibility timeout. Partition leases are released so another host can take over at once. One stop only,
        // however often the host asks.
        _stopping ??= _worker.StopAsync(isForced: true);
        try
        {
            await _stopping.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("The Durable Task worker did not stop in time; its leases expire on their own.");
        }
    }
}
