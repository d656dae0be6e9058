using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.DurableTask.Client;
using SelfTrain.Testing;
using Xunit.Abstractions;

namespace SelfTrain.Workflow.Tests;

/// <summary>
/// A kill between saving a turn's history and deleting the messages that caused it: the start message comes back
/// with a history that already starts the orchestration.
/// </summary>
public sealed class DuplicateStartTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task Start_redelivered_after_a_kill_mid_turn_would_break_the_history_and_is_dropped()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var container = (await scope.CreateContainerAsync("executions")).Name;
        await using var hub = new TestTaskHub();
        var options = hub.Options with { ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(4) };
        var faults = new StorageFaults { HoldControlQueueDeletes = true };
        var first = await DurableTestHost.StartAsync(options, faults);
        var id = await first.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ShardRoundOrchestrator),
            new RoundInput(container, Shards: 2, ApprovalTimeoutSeconds: 300));
        await faults.ControlQueueDeleteHeld.WaitAsync(Patience);
        await first.KillAsync();
        // The start message is visible again only after its visibility timeout; the activities' results already
        // are. Locking sooner can hand over a work item without the start message.
        // The provider writes its messages as plain UTF-8 JSON, so this client decodes nothing.
        var control = new Azure.Storage.Queues.QueueClient(AzuriteStorage.ConnectionString, $"{hub.Name.ToLowerInvariant()}-control-00");
        await Eventually.HoldsAsync(async () => (await control.PeekMessagesAsync(32)).Value.Any(m => m.Body.ToString().Contains(nameof(ExecutionStartedEvent))),
            Patience, "the start message visible again");

        // What the engine's dispatcher is handed: the saved history and the start message again.
        var storage = new AzureStorageOrchestrationService(options.ToSettings());
        await storage.StartAsync();
        try
        {
            var workItem = await storage.LockNextTaskOrchestrationWorkItemAsync(Patience, CancellationToken.None);
            Assert.NotNull(workItem);
            Assert.NotNull(workItem.OrchestrationRuntimeState.ExecutionStartedEvent);
            var redelivered = Assert.Single(workItem.NewMessages, m => m.Event is ExecutionStartedEvent);
            // Unfiltered, adding it to the history throws, on every delivery: the instance would never move again.
            var error = Assert.Throws<InvalidOperationException>(() => workItem.OrchestrationRuntimeState.AddEvent(redelivered.Event));
            Assert.Contains("Multiple ExecutionStartedEvent", error.Message);

            await storage.AbandonTaskOrchestrationWorkItemAsync(workItem);
            await storage.ReleaseTaskOrchestrationWorkItemAsync(workItem);
        }
        finally
        {
            await storage.StopAsync(isForced: true);
        }

        // The engine's orchestration dispatcher drops a start that the saved history already has: a new host carries on.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var second = await DurableTestHost.StartAsync(options);
        await second.Client.WaitForPhaseAsync(id, "waiting", Patience);
        await second.Client.RaiseEventAsync(id, ShardRoundOrchestrator.ApprovalEvent, 3);
        var done = await second.Client.WaitForCompletionAsync(id, Patience);
        Assert.Equal(new RoundResult(Built: 30, Approved: true, Bonus: 3, Published: 36), done.ReadOutputAs<RoundResult>());
        // Had the duplicate reached the history, the turn carrying it would fail (and with it every message in its batch).
        Assert.DoesNotContain(second.Errors, e => e.Contains("Multiple ExecutionStartedEvent", StringComparison.Ordinal));
        output.WriteLine($"new host start to completion: {clock.ElapsedMilliseconds} ms");
    }
}
