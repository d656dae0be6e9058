using System.Reflection;
using System.Runtime.CompilerServices;
using DurableTask.Core;
using DurableTask.Core.History;

namespace SelfTrain.Workflow.Hosting;

/// <summary>
/// Hands the Azure Storage provider history events and tags of the types it knows how to store.
/// </summary>
/// <remarks>
/// The sidecar builds some events from its own types: a sub-orchestration's start carries the gRPC message's
/// <c>Google.Protobuf.Collections.MapField</c> as its tags, and the parent's history records the sub-orchestration
/// with a <c>GrpcSubOrchestrationInstanceCreatedEvent</c> subclass. The provider stores queue messages with their
/// .NET type names and history rows by the data-contract members of the runtime type, so the first cannot be read
/// back (the child never starts) and the second is stored without its fields (the parent's history can no longer be
/// loaded). Both wait forever. Copying tags into a plain dictionary and events into their DurableTask.Core types
/// before the provider stores them makes a fan-out through sub-orchestrations work.
/// </remarks>
internal sealed class SidecarEventNormalizer(IOrchestrationService inner) : OrchestrationServiceDecorator(inner)
{
    private static readonly Assembly CoreAssembly = typeof(HistoryEvent).Assembly;

    public override Task CompleteTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem, OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages, IList<TaskMessage> orchestratorMessages, IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage, OrchestrationState orchestrationState)
    {
        foreach (var message in orchestratorMessages.Append(continuedAsNewMessage).Concat(outboundMessages).Concat(timerMessages))
            if (message is not null) message.Event = Normalize(message.Event);
        Replace(newOrchestrationRuntimeState.NewEvents);
        Replace(newOrchestrationRuntimeState.Events);
        orchestrationState.Tags = Plain(orchestrationState.Tags);
        return base.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages,
            timerMessages, continuedAsNewMessage, orchestrationState);
    }

    private static void Replace(IList<HistoryEvent> events)
    {
        for (var i = 0; i < events.Count; i++) events[i] = Normalize(events[i]);
    }

    /// <summary>The event as its DurableTask.Core type with every field copied, and plain tags.</summary>
    internal static HistoryEvent Normalize(HistoryEvent historyEvent)
    {
        var normalized = historyEvent;
        var coreType = historyEvent.GetType();
        while (coreType.Assembly != CoreAssembly) coreType = coreType.BaseType!;
        if (coreType != historyEvent.GetType())
        {
            normalized = (HistoryEvent)RuntimeHelpers.GetUninitializedObject(coreType);
            for (var type = coreType; type is not null && type != typeof(object); type = type.BaseType)
                foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                    field.SetValue(normalized, field.GetValue(historyEvent));
        }
        if (normalized is ExecutionStartedEvent started) started.Tags = Plain(started.Tags);
        if (normalized is SubOrchestrationInstanceCreatedEvent created) created.Tags = Plain(created.Tags);
        return normalized;
    }

    internal static IDictionary<string, string>? Plain(IDictionary<string, string>? tags) =>
        tags is null or Dictionary<string, string> ? tags : new Dictionary<string, string>(tags);
}
