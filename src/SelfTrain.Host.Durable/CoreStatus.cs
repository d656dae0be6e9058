using System.Text.Json;
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
            FailureDetails = ToFailureDetails(state.FailureDetails)
                ?? (state.OrchestrationStatus == Core.OrchestrationStatus.Failed ? FromOutput(state.Output) : null),
        };

    /// <summary>
    /// The failure of a failed instance whose state carries no failure details: the Azure Storage provider keeps only
    /// the output, which holds the details as JSON, or the error message itself.
    /// </summary>
    private static TaskFailureDetails FromOutput(string? output)
    {
        if (string.IsNullOrEmpty(output)) return new TaskFailureDetails("Unknown", "the orchestration failed and recorded no reason", null, null, null);
        try
        {
            using var document = JsonDocument.Parse(output);
            var root = document.RootElement;
            string? Text(string name) => root.ValueKind == JsonValueKind.Object
                && root.EnumerateObject().FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.String } p
                ? p.Value.GetString() : null;
            if (Text("errorMessage") is { } message) return new TaskFailureDetails(Text("errorType") ?? "Unknown", message, Text("stackTrace"), null, null);
            if (root.ValueKind == JsonValueKind.String) return new TaskFailureDetails("Unknown", root.GetString()!, null, null, null);
        }
        catch (JsonException)
        {
            // plain text: the message itself
        }
        return new TaskFailureDetails("Unknown", output, null, null, null);
    }
}
