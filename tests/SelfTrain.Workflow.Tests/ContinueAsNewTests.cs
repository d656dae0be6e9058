using Microsoft.DurableTask;

namespace SelfTrain.Workflow.Tests;

/// <summary>Multi-round rounds start their next round with ContinueAsNew; the engine must carry it through.</summary>
public sealed class ContinueAsNewTests
{
    [Fact]
    public async Task An_orchestration_continued_as_new_runs_each_generation_and_keeps_its_instance_id()
    {
        await using var hub = new TestTaskHub();
        await using var host = await DurableTestHost.StartAsync(hub.Options);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(CountdownOrchestrator), new Countdown(Left: 4, Total: 0));
        var done = await host.Client.WaitForCompletionAsync(id, TimeSpan.FromSeconds(60));

        // Generations 4, 3, 2, 1 each add their number through an activity, then 0 ends it: 4 + 3 + 2 + 1.
        Assert.Equal(10, done.ReadOutputAs<int>());
        Assert.Equal(id, done.InstanceId);
        Assert.Equal(new Countdown(0, 10), done.ReadInputAs<Countdown>());
        Assert.Empty(host.Errors);
    }
}

public sealed record Countdown(int Left, int Total);

public sealed class CountdownOrchestrator : TaskOrchestrator<Countdown, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, Countdown input)
    {
        if (input.Left == 0) return input.Total;
        var added = await context.CallActivityAsync<int>(nameof(OneActivity), input.Left);
        context.ContinueAsNew(new Countdown(input.Left - 1, input.Total + added));
        return 0;
    }
}
