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
        var options = DurableTestHost.Options(taskHub);
        var visibility = options.WorkItemQueueVisibilityTimeout;
        try
        {
            await using var host = await DurableTestHost.StartAsync(options);
            var runFor = visibility * 1.6;
            var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SlowStepOrchestrator),
                new SlowInput(container, Milliseconds: (int)runFor.TotalMilliseconds));
            var done = await host.Client.WaitForCompletionAsync(id, runFor + TimeSpan.FromSeconds(30));
            Assert.Equal((int)runFor.TotalMilliseconds, done.ReadOutputAs<int>());

            // Unrenewed, the message reappears while the activity runs and gets a new pop receipt, so deleting it with
            // the old one fails: it stays in the queue for good, and runs again. A message that is absent can only be
            // told from one not yet visible once a whole visibility timeout has passed since the last renewal.
            await Task.Delay(visibility);
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
