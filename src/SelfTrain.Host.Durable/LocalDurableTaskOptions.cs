using DurableTask.AzureStorage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;

namespace SelfTrain.Host.Durable;

/// <summary>
/// How the local Durable Task engine uses its storage account. The defaults suit one local host on Azurite:
/// one partition, short message visibility (a crashed turn or activity is retried within seconds, not minutes) and
/// quick polling when idle.
/// </summary>
public sealed record LocalDurableTaskOptions
{
    public required string ConnectionString { get; init; }

    /// <summary>Names the queues, tables and containers of the task hub; letters and digits, 3–45, starting with a letter.</summary>
    public required string TaskHubName { get; init; }

    /// <summary>
    /// Owner name of the hub's partition leases. A restarted process with the same name takes its leases back at
    /// once; a different name waits until they expire (<see cref="LeaseInterval"/>).
    /// </summary>
    public string WorkerId { get; init; } = Environment.MachineName;

    /// <summary>Control queues; fixed when the hub is first created.</summary>
    public int PartitionCount { get; init; } = 1;

    /// <summary>How long a dequeued message stays hidden; a message whose worker died reappears after this.</summary>
    public TimeSpan ControlQueueVisibilityTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <inheritdoc cref="ControlQueueVisibilityTimeout"/>
    public TimeSpan WorkItemQueueVisibilityTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Upper bound of the idle back-off between queue polls, i.e. the worst-case pickup latency.</summary>
    public TimeSpan MaxQueuePollingInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a partition lease outlives its owner's last renewal.</summary>
    public TimeSpan LeaseInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How inputs, outputs, events and custom status become JSON, for the client and the orchestrators alike (the SDK's
    /// default unless the host passes its own convention).
    /// </summary>
    public DataConverter DataConverter { get; init; } = JsonDataConverter.Default;

    /// <summary>Last word on the provider's settings, after the values above are applied.</summary>
    public Action<AzureStorageOrchestrationServiceSettings>? ConfigureStorage { get; init; }

    internal AzureStorageOrchestrationServiceSettings ToSettings()
    {
        if (TaskHubName.Length is < 3 or > 45 || !char.IsAsciiLetter(TaskHubName[0]) || !TaskHubName.All(char.IsAsciiLetterOrDigit))
            throw new ArgumentException($"Task hub name '{TaskHubName}' must be 3–45 letters or digits, starting with a letter.");

        var settings = new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(ConnectionString),
            TaskHubName = TaskHubName,
            WorkerId = WorkerId,
            PartitionCount = PartitionCount,
            ControlQueueVisibilityTimeout = ControlQueueVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = WorkItemQueueVisibilityTimeout,
            MaxQueuePollingInterval = MaxQueuePollingInterval,
            LeaseInterval = LeaseInterval,
            LeaseRenewInterval = LeaseInterval / 3,
            LeaseAcquireInterval = LeaseInterval / 3,
            // One application per hub: the app lease only matters when two deployments share a hub.
            UseAppLease = false,
        };
        ConfigureStorage?.Invoke(settings);
        return settings;
    }
}
