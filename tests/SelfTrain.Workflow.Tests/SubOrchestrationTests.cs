using Microsoft.DurableTask;

namespace SelfTrain.Workflow.Tests;

/// <summary>Fan-out through sub-orchestrations, as the round builds its shards in groups, on the local backend.</summary>
public sealed class SubOrchestrationTests
{
    [Fact]
    public async Task A_parent_fans_out_over_groups_and_collects_every_result()
    {
        await using var hub = new TestTaskHub();
        await using var host = await DurableTestHost.StartAsync(hub.Options);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(GroupsOrchestrator), 5);
        var done = await host.Client.WaitForCompletionAsync(id, TimeSpan.FromSeconds(60));

        // Each group runs three activities returning 1 (sum 3); the parent weighs group g by (g + 1)² / 3:
        // Σ (g + 1)² for g < 5 = 1 + 4 + 9 + 16 + 25 = 55. Every child and every activity counted once.
        Assert.Equal(55, done.ReadOutputAs<int>());
        Assert.Empty(host.Errors);
    }
}

public sealed class GroupsOrchestrator : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int groups)
    {
        var sums = await Task.WhenAll(Enumerable.Range(0, groups).Select(g => context.CallSubOrchestratorAsync<int>(nameof(GroupOrchestrator), 3,
            new SubOrchestrationOptions { InstanceId = $"{context.InstanceId}-group-{g}" })));
        return sums.Select((s, g) => s * (g + 1) * (g + 1) / 3).Sum();
    }
}

public sealed class GroupOrchestrator : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int members) =>
        (await Task.WhenAll(Enumerable.Range(0, members).Select(_ => context.CallActivityAsync<int>(nameof(OneActivity), 1)))).Sum();
}

public sealed class OneActivity : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int input) => Task.FromResult(input);
}
