using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace SelfTrain.Workflow.Tests;

/// <summary>
/// Sits in the storage pipeline of one host's Durable Task backend. <see cref="Kill"/> makes every later request
/// fail, so the host can do nothing more to the task hub, as if its process had died; optionally it holds the first
/// deletion of a control-queue message, the step after a turn's history is saved.
/// </summary>
public sealed class StorageFaults : HttpPipelinePolicy
{
    private readonly CancellationTokenSource _killed = new();
    private readonly TaskCompletionSource _deleteHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Hold control-queue message deletions until <see cref="Kill"/>.</summary>
    public bool HoldControlQueueDeletes { get; init; }

    /// <summary>Completes when a control-queue message deletion is being held: a turn's history is saved.</summary>
    public Task ControlQueueDeleteHeld => _deleteHeld.Task;

    public void Kill() => _killed.Cancel();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ThrowIfKilled();
        if (HoldControlQueueDeletes && IsControlQueueDelete(message))
        {
            _deleteHeld.TrySetResult();
            try { await Task.Delay(Timeout.Infinite, _killed.Token); }
            catch (OperationCanceledException) { }
            ThrowIfKilled();
        }
        await ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ThrowIfKilled();
        ProcessNext(message, pipeline);
    }

    private void ThrowIfKilled()
    {
        if (_killed.IsCancellationRequested) throw new RequestFailedException("The host was killed.");
    }

    // DELETE .../{hub}-control-00/messages/{id}?popreceipt=...
    private static bool IsControlQueueDelete(HttpMessage message) =>
        message.Request.Method == RequestMethod.Delete &&
        message.Request.Uri.Path.Contains("-control-", StringComparison.Ordinal) &&
        message.Request.Uri.Path.Contains("/messages/", StringComparison.Ordinal);
}
