using Microsoft.DurableTask;

namespace SelfTrain.Workflow.Tests;

public sealed record SlowInput(string Container, int Milliseconds);

/// <summary>One activity that runs longer than the queue visibility timeout.</summary>
public sealed class SlowStepOrchestrator : TaskOrchestrator<SlowInput, int>
{
    public override Task<int> RunAsync(TaskOrchestrationContext context, SlowInput input) =>
        context.CallActivityAsync<int>(nameof(SlowActivity), input);
}

public sealed class SlowActivity(ExecutionLog log) : TaskActivity<SlowInput, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, SlowInput input)
    {
        await log.RecordAsync(input.Container, context.InstanceId, "slow", 0, "started");
        await Task.Delay(input.Milliseconds);
        await log.RecordAsync(input.Container, context.InstanceId, "slow", 0, "finished");
        return input.Milliseconds;
    }
}
