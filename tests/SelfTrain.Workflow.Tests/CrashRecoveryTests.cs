using System.Diagnostics;
using Microsoft.DurableTask.Client;
using SelfTrain.Testing;
using Xunit.Abstractions;

namespace SelfTrain.Workflow.Tests;

/// <summary>
/// A host killed mid-round, and a new host started on the same task hub, finishes the round.
/// Durable semantics these tests hold the engine to: an orchestration's progress is exactly what its saved history
/// says; an activity runs at least once, and again only if its completion was not saved before the crash (a
/// completion is saved once its result message is in the control queue); the result counts every shard once.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task Host_killed_while_waiting_for_an_event_resumes_without_rerunning_finished_activities()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var container = (await scope.CreateContainerAsync("executions")).Name;
        await using var hub = new TestTaskHub();
        var log = new ExecutionLog(scope.Account);
        string id;
        var first = await DurableTestHost.StartAsync(hub.Options);
        id = await first.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ShardRoundOrchestrator),
            new RoundInput(container, Shards: 3, ApprovalTimeoutSeconds: 300));
        await first.Client.WaitForPhaseAsync(id, "waiting", Patience);
        await first.KillAsync();

        // The restarted process: same worker name, so it takes its partition lease straight back.
        var clock = Stopwatch.StartNew();
        await using var second = await DurableTestHost.StartAsync(hub.Options);
        await second.Client.RaiseEventAsync(id, ShardRoundOrchestrator.ApprovalEvent, 1);
        var done = await second.Client.WaitForCompletionAsync(id, Patience);
        output.WriteLine($"restart to completion: {clock.ElapsedMilliseconds} ms (startup {second.Startup.TotalMilliseconds:F0} ms)");

        Assert.Equal(new RoundResult(Built: 60, Approved: true, Bonus: 1, Published: 63), done.ReadOutputAs<RoundResult>());
        for (var shard = 0; shard < 3; shard++)
        {
            // Building finished and was saved before the kill: replay uses the saved results.
            Assert.Equal(1, await log.CountAsync(container, id, "build", shard, "started"));
            Assert.Equal(1, await log.CountAsync(container, id, "publish", shard, "finished"));
        }
    }

    [Fact]
    public async Task Host_killed_mid_fan_out_is_taken_over_and_only_unfinished_activities_run_again()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var container = (await scope.CreateContainerAsync("executions")).Name;
        await using var hub = new TestTaskHub();
        var log = new ExecutionLog(scope.Account);
        // Another machine takes over: a different worker name, so it waits for the dead worker's lease to expire.
        var options = hub.Options with { LeaseInterval = TimeSpan.FromSeconds(6) };
        var first = await DurableTestHost.StartAsync(options with { WorkerId = "first" }, gateOpen: false);
        var id = await first.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ShardRoundOrchestrator),
            new RoundInput(container, Shards: 3, ApprovalTimeoutSeconds: 300));
        await first.Client.WaitForPhaseAsync(id, "waiting", Patience);
        await first.Client.RaiseEventAsync(id, ShardRoundOrchestrator.ApprovalEvent, 2);
        // Every publish activity is running, held at the gate, when the host dies.
        await Eventually.HoldsAsync(async () =>
        {
            for (var shard = 0; shard < 3; shard++)
                if (await log.CountAsync(container, id, "publish", shard, "started") == 0) return false;
            return true;
        }, Patience, "all publish activities started");
        await first.KillAsync();

        var clock = Stopwatch.StartNew();
        await using var second = await DurableTestHost.StartAsync(options with { WorkerId = "second" });
        var done = await second.Client.WaitForCompletionAsync(id, Patience);
        output.WriteLine($"takeover to completion: {clock.ElapsedMilliseconds} ms (lease {options.LeaseInterval}, visibility {options.WorkItemQueueVisibilityTimeout})");

        Assert.Equal(new RoundResult(Built: 60, Approved: true, Bonus: 2, Published: 66), done.ReadOutputAs<RoundResult>());
        for (var shard = 0; shard < 3; shard++)
        {
            Assert.Equal(1, await log.CountAsync(container, id, "build", shard, "started"));
            // In flight at the kill, so delivered again: started twice, finished once.
            Assert.Equal(2, await log.CountAsync(container, id, "publish", shard, "started"));
            Assert.Equal(1, await log.CountAsync(container, id, "publish", shard, "finished"));
        }
    }
}
