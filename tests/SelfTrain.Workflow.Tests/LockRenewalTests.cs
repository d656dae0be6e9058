using SelfTrain.Testing;

namespace SelfTrain.Workflow.Tests;

public sealed class LockRenewalTests
{
    [Fact]
    public async Task Activity_running_longer_than_the_visibility_timeout_runs_once()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var container = (await scope.CreateContainerAsync("executions")).Name;
        await using var hub = new TestTaskHub();
        var options = hub.Options;
        var visibility = options.WorkItemQueueVisibilityTimeout;
        await using var host = await DurableTestHost.StartAsync(options);
        var runFor = visibility * 1.6;
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SlowStepOrchestrator),
            new SlowInput(container, Milliseconds: (int)runFor.TotalMilliseconds));
        var done = await host.Client.WaitForCompletionAsync(id, runFor + TimeSpan.FromSeconds(30));
        Assert.Equal((int)runFor.TotalMilliseconds, done.ReadOutputAs<int>());

        // Unrenewed, the message reappears while the activity runs and gets a new pop receipt, so deleting it with
        // the old one fails: it stays in the queue for good (the count includes invisible messages), and runs again.
        var workItems = scope.Account.Queues.GetQueueClient($"{hub.Name.ToLowerInvariant()}-workitems");
        await Eventually.HoldsAsync(async () => (await workItems.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, TimeSpan.FromSeconds(10),
            "the work item deleted");
        Assert.Equal(1, await new ExecutionLog(scope.Account).CountAsync(container, id, "slow", 0, "started"));
        Assert.Empty(host.Errors);
    }
}
