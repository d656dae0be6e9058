using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Core = DurableTask.Core;

namespace SelfTrain.Host.Durable;

/// <summary>DurableTask.Core's orchestration state in the SDK client's terms.</summary>
internal static class CoreStatus
{
    // The SDK's runtime status is defined value for value on DurableTask.Core's orchestration status.
    public static OrchestrationRuntimeStatus ToRuntimeStatus(Core.OrchestrationStatus status) => (OrchestrationRuntimeStatus)(int)status;

    public static Core.OrchestrationStatus ToCore(OrchestrationRuntimeStatus status) => (Core.OrchestrationStatus)(int)status;

    public static TaskFailureDetails? ToFailureDetails(Core.FailureDetails? details) => details is null
        ? null
        : new TaskFailureDetails(details.ErrorType, details.ErrorMessage, details.StackTrace, ToFailureDetails(details.InnerFailure), null);

    public static OrchestrationMetadata ToMetadata(Core.OrchestrationState state, DataConverter? converter) =>
        new(state.Name, state.OrchestrationInstance.InstanceId)
        {
            DataConverter = converter,
            RuntimeStatus = ToRuntimeStatus(state.OrchestrationStatus),
            CreatedAt = state.CreatedTime,
            LastUpdatedAt = state.LastUpdatedTime,
            SerializedInput = state.Input,
            SerializedOutput = state.Output,
            SerializedCustomStatus = state.Status,
            FailureDetails = ToFailureDetails(state.FailureDetails),
        };
}
