using System.Diagnostics;
using Microsoft.DurableTask.Client;

namespace SelfTrain.Workflow.Tests;

public static class RoundAssertions
{
    /// <summary>Polls the instance until its custom status reaches <paramref name="phase"/>.</summary>
    public static async Task<RoundStatus> WaitForPhaseAsync(this DurableTaskClient client, string instanceId, string phase, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true);
            if (instance?.SerializedCustomStatus is not null && instance.ReadCustomStatusAs<RoundStatus>() is { } status && status.Phase == phase)
                return status;
            if (instance?.RuntimeStatus is OrchestrationRuntimeStatus.Failed)
                throw new InvalidOperationException($"{instanceId} failed: {instance.FailureDetails?.ErrorMessage}");
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"{instanceId} did not reach phase '{phase}' in {timeout}; status {instance?.RuntimeStatus}, custom status {instance?.SerializedCustomStatus}.");
            await Task.Delay(200);
        }
    }

    public static async Task<OrchestrationMetadata> WaitForCompletionAsync(this DurableTaskClient client, string instanceId, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var instance = await client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cancel.Token);
        Assert.True(instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed,
            $"{instanceId} ended {instance.RuntimeStatus}: {instance.FailureDetails?.ErrorMessage}");
        return instance;
    }

    /// <summary>Polls until <paramref name="condition"/> holds.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"Not within {timeout}: {what}.");
            await Task.Delay(200);
        }
    }
}
