using System.Collections.Concurrent;
using DurableTask.Core;
using Microsoft.Extensions.Logging;

namespace SelfTrain.Workflow.Hosting;

/// <summary>
/// Keeps the queue messages of work items in progress hidden until they are completed or given up.
/// </summary>
/// <remarks>
/// The provider hides a dequeued message only for the visibility timeout, which is short here so that the work of
/// a crashed process is retried soon. DurableTask.Core's dispatchers renew the lock of long work items; the
/// sidecar's dispatchers never do, so without this an activity running longer than the timeout would be delivered
/// again and run twice, concurrently.
/// </remarks>
internal sealed class WorkItemLockRenewal(IOrchestrationService inner, ILogger logger) : OrchestrationServiceDecorator(inner)
{
    private static readonly TimeSpan MinimumDelay = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<object, CancellationTokenSource> _renewals = new();

    public override async Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        var workItem = await base.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);
        if (workItem is not null)
            Start(workItem, () => workItem.LockedUntilUtc, async () => { await base.RenewTaskActivityWorkItemLockAsync(workItem); });
        return workItem!;
    }

    public override Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        Stop(workItem);
        return base.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);
    }

    public override Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        Stop(workItem);
        return base.AbandonTaskActivityWorkItemAsync(workItem);
    }

    public override async Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        var workItem = await base.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);
        if (workItem is not null)
            Start(workItem, () => workItem.LockedUntilUtc, () => base.RenewTaskOrchestrationWorkItemLockAsync(workItem));
        return workItem!;
    }

    public override Task CompleteTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem, OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages, IList<TaskMessage> orchestratorMessages, IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage, OrchestrationState orchestrationState)
    {
        Stop(workItem);
        return base.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages,
            timerMessages, continuedAsNewMessage, orchestrationState);
    }

    public override Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        Stop(workItem);
        return base.AbandonTaskOrchestrationWorkItemAsync(workItem);
    }

    public override Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        Stop(workItem);
        return base.ReleaseTaskOrchestrationWorkItemAsync(workItem);
    }

    public override async Task StopAsync(bool isForced)
    {
        foreach (var key in _renewals.Keys) Stop(key);
        await base.StopAsync(isForced);
    }

    public override Task StopAsync() => StopAsync(isForced: false);

    private void Start(object workItem, Func<DateTime> lockedUntil, Func<Task> renew)
    {
        var stop = new CancellationTokenSource();
        if (!_renewals.TryAdd(workItem, stop)) return;
        _ = Task.Run(() => RenewUntilStoppedAsync(lockedUntil, renew, stop.Token));
    }

    private void Stop(object workItem)
    {
        if (_renewals.TryRemove(workItem, out var stop)) stop.Cancel();
    }

    /// <summary>Renews at half the remaining lock time, as the lock is only as long as the visibility timeout.</summary>
    private async Task RenewUntilStoppedAsync(Func<DateTime> lockedUntil, Func<Task> renew, CancellationToken stop)
    {
        if (lockedUntil() == DateTime.MaxValue) return; // a provider without expiring locks
        try
        {
            while (true)
            {
                var remaining = lockedUntil() - DateTime.UtcNow;
                await Task.Delay(remaining / 2 > MinimumDelay ? remaining / 2 : MinimumDelay, stop);
                try
                {
                    await renew();
                    // The provider answers a renewal of a work item it no longer tracks with an expired lock.
                    if (lockedUntil() <= DateTime.UtcNow) return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Retried at the next tick while the lock lasts; once it has expired the message is someone
                    // else's to deliver again, and renewing is pointless.
                    if (lockedUntil() <= DateTime.UtcNow)
                    {
                        logger.LogWarning(ex, "A work item lock expired before it could be renewed; its message will be delivered again.");
                        return;
                    }
                    logger.LogDebug(ex, "Renewing a work item lock failed; retrying.");
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
