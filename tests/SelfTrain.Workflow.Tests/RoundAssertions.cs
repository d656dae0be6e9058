using Microsoft.DurableTask.Client;
using SelfTrain.Testing;

namespace SelfTrain.Workflow.Tests;

public static class RoundAssertions
{
    /// <summary>Polls the instance until its custom status reaches <paramref name="phase"/>.</summary>
    public static async Task<RoundStatus> WaitForPhaseAsync(this DurableTaskClient client, string instanceId, string phase, TimeSpan timeout)
    {
        OrchestrationMetadata? instance = null;
        RoundStatus? status = null;
        await Eventually.HoldsAsync(async () =>
        {
            instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true);
            if (instance?.RuntimeStatus is OrchestrationRuntimeStatus.Failed)
                throw new InvalidOperationException($"{instanceId} failed: {instance.FailureDetails?.ErrorMessage}");
            status = instance?.SerializedCustomStatus is null ? null : instance.ReadCustomStatusAs<RoundStatus>();
            return status?.Phase == phase;
        }, timeout, $"{instanceId} in phase '{phase}'", () => $"Status {instance?.RuntimeStatus}, custom status {instance?.SerializedCustomStatus}.");
        return status!;
    }

    public static async Task<OrchestrationMetadata> WaitForCompletionAsync(this DurableTaskClient client, string instanceId, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var instance = await client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cancel.Token);
        Assert.True(instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed,
            $"{instanceId} ended {instance.RuntimeStatus}: {instance.FailureDetails?.ErrorMessage}");
        return instance;
    }

}
