using DurableTask.AzureStorage;
using SelfTrain.Host.Durable;

namespace SelfTrain.Workflow.Tests;

/// <summary>A task hub no other test uses, deleted (queues, tables, lease blobs) when the test ends, however it ends.</summary>
public sealed class TestTaskHub : IAsyncDisposable
{
    public string Name { get; } = "hub" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The backend options tests use: the production defaults, on the test Azurite.</summary>
    public LocalDurableTaskOptions Options => DurableTestHost.Options(Name);

    public async ValueTask DisposeAsync() => await new AzureStorageOrchestrationService(Options.ToSettings()).DeleteAsync();
}
