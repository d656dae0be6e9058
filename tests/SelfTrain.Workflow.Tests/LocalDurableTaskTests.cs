using Microsoft.DurableTask.Client;
using SelfTrain.Testing;
using Xunit.Abstractions;

namespace SelfTrain.Workflow.Tests;

/// <summary>Class-based orchestrations run end to end through the real engine and the Azure Storage provider on Azurite.</summary>
public sealed class LocalDurableTaskTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Round_fans_out_waits_for_approval_then_fans_in_again()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var container = (await scope.CreateContainerAsync("executions")).Name;
        await using var hub = new TestTaskHub();
        await using var host = await DurableTestHost.StartAsync(hub.Options);
        output.WriteLine($"host started in {host.Startup.TotalMilliseconds:F0} ms");

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ShardRoundOrchestrator),
            new RoundInput(container, Shards: 4, ApprovalTimeoutSeconds: 120));
        var waiting = await host.Client.WaitForPhaseAsync(id, "waiting", Patience);
        Assert.Equal(new RoundStatus("waiting", 4, 4), waiting);

        await host.Client.RaiseEventAsync(id, ShardRoundOrchestrator.ApprovalEvent, 5);
        var done = await host.Client.WaitForCompletionAsync(id, Patience);

        // Shard values are 10, 20, 30, 40; publishing adds the bonus of 5 to each.
        Assert.Equal(new RoundResult(Built: 100, Approved: true, Bonus: 5, Published: 120), done.ReadOutputAs<RoundResult>());
        Assert.Equal(new RoundStatus("done", 4, 4), done.ReadCustomStatusAs<RoundStatus>());
        var log = new ExecutionLog(scope.Account);
        for (var shard = 0; shard < 4; shard++)
        {
            Assert.Equal(1, await log.CountAsync(container, id, "build", shard, "finished"));
            Assert.Equal(1, await log.CountAsync(container, id, "publish", shard, "finished"));
        }
    }

    [Fact]
    public async Task Durable_timer_ends_the_wait_when_no_approval_comes()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var container = (await scope.CreateContainerAsync("executions")).Name;
        await using var hub = new TestTaskHub();
        await using var host = await DurableTestHost.StartAsync(hub.Options);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ShardRoundOrchestrator),
            new RoundInput(container, Shards: 2, ApprovalTimeoutSeconds: 2));

        var done = await host.Client.WaitForCompletionAsync(id, Patience);

        Assert.Equal(new RoundResult(Built: 30, Approved: false, Bonus: 0, Published: 0), done.ReadOutputAs<RoundResult>());
        Assert.Equal(new RoundStatus("expired", 2, 2), done.ReadCustomStatusAs<RoundStatus>());
        output.WriteLine($"created {done.CreatedAt:O}, completed {done.LastUpdatedAt:O}");
        // The provider delays a timer message by the time left, and queue visibility delays are whole seconds
        // (truncated), so a durable timer here may fire up to a second early.
        Assert.True(done.LastUpdatedAt - done.CreatedAt >= TimeSpan.FromSeconds(1), "the timer did not wait");
        Assert.Equal(0, await new ExecutionLog(scope.Account).CountAsync(container, id, "publish", 0, "started"));
    }
}
