using SelfTrain.Testing;

namespace SelfTrain.Workflow.Tests;

public sealed class LockRenewalTests
{
    [Fact]
    public async Task Activity_running_longer_than_the_visibility_timeout_runs_once()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var container = (await scope.CreateContainerAsync("executions")).Name;
        var taskHub = DurableTestHost.NewTaskHub();
        var visibility = TimeSpan.FromSeconds(2);
        try
        {
            await using var host = await DurableTestHost.StartAsync(DurableTestHost.Options(taskHub) with { WorkItemQueueVisibilityTimeout = visibility });
            var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SlowStepOrchestrator), new SlowInput(container, Milliseconds: 5_000));
            var done = await host.Client.WaitForCompletionAsync(id, TimeSpan.FromSeconds(30));
            Assert.Equal(5_000, done.ReadOutputAs<int>());

            // Unrenewed, the message reappears while the activity runs and gets a new pop receipt, so deleting it with
            // the old one fails: it stays in the queue for good, and runs again after a restart.
            await Task.Delay(visibility * 2);
            Assert.Equal(1, await new ExecutionLog(scope.Account).CountAsync(container, id, "slow", 0, "started"));
            var workItems = await scope.Account.Queues.GetQueueClient($"{taskHub}-workitems").GetPropertiesAsync();
            Assert.Equal(0, workItems.Value.ApproximateMessagesCount);
            Assert.Empty(host.Errors);
        }
        finally
        {
            await DurableTestHost.DeleteTaskHubAsync(taskHub);
        }
    }
}
