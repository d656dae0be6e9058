using DurableTask.Core;
using DurableTask.Core.History;

namespace SelfTrain.Workflow.Hosting;

/// <summary>
/// Drops an <see cref="ExecutionStartedEvent"/> delivered to an orchestration whose history already has one.
/// </summary>
/// <remarks>
/// The Azure Storage provider checkpoints a turn's history before it deletes the queue messages that caused the turn.
/// A process killed between the two leaves the start message in the control queue; it is delivered again together
/// with the saved history. DurableTask.Core's own dispatcher drops such a duplicate, but the sidecar's dispatcher
/// adds it to the history, which throws "Multiple ExecutionStartedEvent found" on every retry and wedges the
/// instance. Dropping it here restores the core behaviour; the provider still deletes the message when the turn
/// completes, since it deletes the messages it delivered, not those it was handed back.
/// </remarks>
internal sealed class DuplicateStartFilter(IOrchestrationService inner) : OrchestrationServiceDecorator(inner)
{
    public override async Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        var workItem = await base.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);
        if (workItem is not null) DropRedeliveredStarts(workItem);
        return workItem!;
    }

    /// <summary>Removes start messages the work item's history already contains; returns how many.</summary>
    internal static int DropRedeliveredStarts(TaskOrchestrationWorkItem workItem)
    {
        if (workItem.OrchestrationRuntimeState?.ExecutionStartedEvent is null) return 0;
        var kept = workItem.NewMessages.Where(m => m.Event is not ExecutionStartedEvent).ToList();
        var dropped = workItem.NewMessages.Count - kept.Count;
        if (dropped > 0) workItem.NewMessages = kept;
        return dropped;
    }
}
