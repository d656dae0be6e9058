using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Query;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Core = DurableTask.Core;
using OrchestrationQuery = Microsoft.DurableTask.Client.OrchestrationQuery;
using CoreQuery = DurableTask.Core.Query.OrchestrationQuery;
using PurgeResult = Microsoft.DurableTask.Client.PurgeResult;

namespace SelfTrain.Host.Durable;

/// <summary>
/// The SDK's <see cref="DurableTaskClient"/> over the Durable Task Framework's own client interface of the local
/// engine's provider, so the handlers written against the SDK (and against the Functions binding) run unchanged.
/// </summary>
/// <remarks>
/// The SDK ships no such client on a feed reachable here, hence this one. Payloads go through the same data converter
/// as the engine's shims, so what a client sends is what an orchestrator reads.
/// </remarks>
internal sealed class LocalDurableTaskClient(IOrchestrationServiceClient service, DataConverter converter) : DurableTaskClient("local")
{
    /// <summary>How often <see cref="WaitForInstanceStartAsync"/> looks again.</summary>
    private static readonly TimeSpan StartPollingInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// A start with the id of an instance that is still live is refused rather than replacing it; a finished one may
    /// be restarted. That is Durable Functions' default as well.
    /// </summary>
    private static readonly Core.OrchestrationStatus[] LiveStatuses =
        [Core.OrchestrationStatus.Pending, Core.OrchestrationStatus.Running, Core.OrchestrationStatus.Suspended];

    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null,
        StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var instance = new OrchestrationInstance
        {
            InstanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N"),
            ExecutionId = Guid.NewGuid().ToString("N"),
        };
        var start = new ExecutionStartedEvent(-1, converter.Serialize(input))
        {
            Name = orchestratorName.Name,
            Version = options?.Version?.Version ?? string.Empty,
            OrchestrationInstance = instance,
            ScheduledStartTime = options?.StartAt?.UtcDateTime,
            Tags = options?.Tags?.ToDictionary(tag => tag.Key, tag => tag.Value),
        };
        var dedupe = options?.DedupeStatuses is { Count: > 0 } statuses
            ? statuses.Select(s => CoreStatus.ToCore(Enum.Parse<OrchestrationRuntimeStatus>(s, ignoreCase: true))).ToArray()
            : LiveStatuses;
        await service.CreateTaskOrchestrationAsync(new TaskMessage { OrchestrationInstance = instance, Event = start }, dedupe);
        return instance.InstanceId;
    }

    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new EventRaisedEvent(-1, converter.Serialize(eventPayload)) { Name = eventName }, cancellation);

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionSuspendedEvent(-1, reason), cancellation);

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionResumedEvent(-1, reason), cancellation);

    public override Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        return service.ForceTerminateTaskOrchestrationAsync(instanceId, converter.Serialize(options?.Output));
    }

    public override async Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false,
        CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        // The provider answers an unknown instance with a list holding null.
        var states = await service.GetOrchestrationStateAsync(instanceId, allExecutions: false);
        return states?.FirstOrDefault(state => state is not null) is { } latest ? CoreStatus.ToMetadata(latest, getInputsAndOutputs ? converter : null) : null;
    }

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null)
    {
        var queries = service as IOrchestrationServiceQueryClient
            ?? throw new NotSupportedException($"{service.GetType().Name} cannot list instances.");
        return Pageable.Create(async (continuation, pageSize, cancellation) =>
        {
            var query = new CoreQuery
            {
                RuntimeStatus = filter?.Statuses?.Select(CoreStatus.ToCore).ToList(),
                CreatedTimeFrom = filter?.CreatedFrom?.UtcDateTime,
                CreatedTimeTo = filter?.CreatedTo?.UtcDateTime,
                InstanceIdPrefix = filter?.InstanceIdPrefix,
                FetchInputsAndOutputs = filter?.FetchInputsAndOutputs ?? false,
                PageSize = pageSize ?? filter?.PageSize ?? OrchestrationQuery.DefaultPageSize,
                ContinuationToken = continuation ?? filter?.ContinuationToken,
            };
            var result = await queries.GetOrchestrationWithQueryAsync(query, cancellation);
            var converterOrNull = query.FetchInputsAndOutputs ? converter : null;
            return new Page<OrchestrationMetadata>(result.OrchestrationState.Select(s => CoreStatus.ToMetadata(s, converterOrNull)).ToList(),
                result.ContinuationToken);
        });
    }

    public override async Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false,
        CancellationToken cancellation = default)
    {
        while (true)
        {
            var metadata = await GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation)
                ?? throw new InvalidOperationException($"No orchestration instance '{instanceId}' exists.");
            if (metadata.RuntimeStatus != OrchestrationRuntimeStatus.Pending) return metadata;
            await Task.Delay(StartPollingInterval, cancellation);
        }
    }

    public override async Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false,
        CancellationToken cancellation = default)
    {
        // The provider polls the instance's state until it is terminal; without a timeout only cancellation ends it.
        var state = await service.WaitForOrchestrationAsync(instanceId, executionId: null, Timeout.InfiniteTimeSpan, cancellation)
            ?? throw new InvalidOperationException($"No orchestration instance '{instanceId}' exists.");
        return CoreStatus.ToMetadata(state, getInputsAndOutputs ? converter : null);
    }

    public override async Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        var purger = service as IOrchestrationServicePurgeClient
            ?? throw new NotSupportedException($"{service.GetType().Name} cannot purge instances.");
        var metadata = await GetInstancesAsync(instanceId, cancellation: cancellation);
        if (metadata is null) return new PurgeResult(0);
        if (!metadata.IsCompleted)
            throw new InvalidOperationException($"Instance '{instanceId}' is {metadata.RuntimeStatus}; only a finished instance can be purged.");
        var result = await purger.PurgeInstanceStateAsync(instanceId);
        return new PurgeResult(result.DeletedInstanceCount);
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Task SendAsync(string instanceId, HistoryEvent @event, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        return service.SendTaskOrchestrationMessageAsync(new TaskMessage { OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId }, Event = @event });
    }
}
