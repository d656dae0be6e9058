using DurableTask.Core;
using DurableTask.Core.Query;

namespace SelfTrain.Workflow.Hosting;

/// <summary>
/// Forwards every call of a storage provider; subclasses override the few they change. It implements the query
/// and purge interfaces too, because the sidecar offers those operations only when the service has them.
/// </summary>
internal abstract class OrchestrationServiceDecorator :
    IOrchestrationService, IOrchestrationServiceClient, IOrchestrationServiceQueryClient, IOrchestrationServicePurgeClient
{
    private readonly IOrchestrationService _service;
    private readonly IOrchestrationServiceClient _client;
    private readonly IOrchestrationServiceQueryClient _query;
    private readonly IOrchestrationServicePurgeClient _purge;

    protected OrchestrationServiceDecorator(IOrchestrationService inner)
    {
        _service = inner;
        _client = Require<IOrchestrationServiceClient>(inner);
        _query = Require<IOrchestrationServiceQueryClient>(inner);
        _purge = Require<IOrchestrationServicePurgeClient>(inner);
    }

    private static T Require<T>(IOrchestrationService inner) where T : class =>
        inner as T ?? throw new ArgumentException($"{inner.GetType().Name} does not implement {typeof(T).Name}.", nameof(inner));

    // Lifetime and management.
    public virtual Task StartAsync() => _service.StartAsync();
    public virtual Task StopAsync() => _service.StopAsync();
    public virtual Task StopAsync(bool isForced) => _service.StopAsync(isForced);
    public Task CreateAsync() => _service.CreateAsync();
    public Task CreateAsync(bool recreateInstanceStore) => _service.CreateAsync(recreateInstanceStore);
    public Task CreateIfNotExistsAsync() => _service.CreateIfNotExistsAsync();
    public Task DeleteAsync() => _service.DeleteAsync();
    public Task DeleteAsync(bool deleteInstanceStore) => _service.DeleteAsync(deleteInstanceStore);
    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        _service.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);
    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => _service.GetDelayInSecondsAfterOnProcessException(exception);
    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => _service.GetDelayInSecondsAfterOnFetchException(exception);

    // Orchestration work items.
    public int TaskOrchestrationDispatcherCount => _service.TaskOrchestrationDispatcherCount;
    public int MaxConcurrentTaskOrchestrationWorkItems => _service.MaxConcurrentTaskOrchestrationWorkItems;
    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => _service.EventBehaviourForContinueAsNew;

    public virtual Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        _service.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);
    public virtual Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) =>
        _service.RenewTaskOrchestrationWorkItemLockAsync(workItem);
    public virtual Task CompleteTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem, OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages, IList<TaskMessage> orchestratorMessages, IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage, OrchestrationState orchestrationState) =>
        _service.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages,
            timerMessages, continuedAsNewMessage, orchestrationState);
    public virtual Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) =>
        _service.AbandonTaskOrchestrationWorkItemAsync(workItem);
    public virtual Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) =>
        _service.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    // Activity work items.
    public int TaskActivityDispatcherCount => _service.TaskActivityDispatcherCount;
    public int MaxConcurrentTaskActivityWorkItems => _service.MaxConcurrentTaskActivityWorkItems;

    public virtual Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        _service.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);
    public virtual Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) =>
        _service.RenewTaskActivityWorkItemLockAsync(workItem);
    public virtual Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
        _service.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);
    public virtual Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) =>
        _service.AbandonTaskActivityWorkItemAsync(workItem);

    // Client operations.
    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage) => _client.CreateTaskOrchestrationAsync(creationMessage);
    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage, OrchestrationStatus[] dedupeStatuses) =>
        _client.CreateTaskOrchestrationAsync(creationMessage, dedupeStatuses);
    public Task SendTaskOrchestrationMessageAsync(TaskMessage message) => _client.SendTaskOrchestrationMessageAsync(message);
    public Task SendTaskOrchestrationMessageBatchAsync(params TaskMessage[] messages) => _client.SendTaskOrchestrationMessageBatchAsync(messages);
    public Task<OrchestrationState> WaitForOrchestrationAsync(string instanceId, string executionId, TimeSpan timeout, CancellationToken cancellationToken) =>
        _client.WaitForOrchestrationAsync(instanceId, executionId, timeout, cancellationToken);
    public Task ForceTerminateTaskOrchestrationAsync(string instanceId, string reason) => _client.ForceTerminateTaskOrchestrationAsync(instanceId, reason);
    public Task<IList<OrchestrationState>> GetOrchestrationStateAsync(string instanceId, bool allExecutions) =>
        _client.GetOrchestrationStateAsync(instanceId, allExecutions);
    public Task<OrchestrationState> GetOrchestrationStateAsync(string instanceId, string executionId) =>
        _client.GetOrchestrationStateAsync(instanceId, executionId);
    public Task<string> GetOrchestrationHistoryAsync(string instanceId, string executionId) =>
        _client.GetOrchestrationHistoryAsync(instanceId, executionId);
    public Task PurgeOrchestrationHistoryAsync(DateTime thresholdDateTimeUtc, OrchestrationStateTimeRangeFilterType timeRangeFilterType) =>
        _client.PurgeOrchestrationHistoryAsync(thresholdDateTimeUtc, timeRangeFilterType);
    public Task<OrchestrationQueryResult> GetOrchestrationWithQueryAsync(OrchestrationQuery query, CancellationToken cancellationToken) =>
        _query.GetOrchestrationWithQueryAsync(query, cancellationToken);
    public Task<PurgeResult> PurgeInstanceStateAsync(string instanceId) => _purge.PurgeInstanceStateAsync(instanceId);
    public Task<PurgeResult> PurgeInstanceStateAsync(PurgeInstanceFilter purgeInstanceFilter) => _purge.PurgeInstanceStateAsync(purgeInstanceFilter);
}
