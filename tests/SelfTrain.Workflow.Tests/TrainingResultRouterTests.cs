using Microsoft.Extensions.Logging.Abstractions;
using SelfTrain.Core.Training;
using SelfTrain.Testing;
using SelfTrain.Workflow.Round;

namespace SelfTrain.Workflow.Tests;

/// <summary>Training results that cannot reach a round: retried when the round is not found, dropped when they never can.</summary>
public sealed class TrainingResultRouterTests
{
    private static readonly TrainingResultRouter Router = new(NullLogger<TrainingResultRouter>.Instance);

    private static string Result(string? round, string version = "v1") =>
        TrainingMessageJson.Serialize(new TrainingResultMessage("job-1", TrainingOutcome.Succeeded, version, null, 1, round));

    [Fact]
    public async Task A_round_that_is_not_found_is_an_error_so_the_message_is_tried_again()
    {
        await using var hub = new TestTaskHub();
        await using var host = await DurableTestHost.StartAsync(hub.Options);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Router.RouteAsync(host.Client, Result("no-such-round")));
        Assert.Contains("no-such-round", error.Message);
    }

    [Fact]
    public async Task Results_without_a_round_and_unreadable_ones_are_dropped()
    {
        await using var hub = new TestTaskHub();
        await using var host = await DurableTestHost.StartAsync(hub.Options);
        Assert.Equal(TrainingResultRouting.Unaddressed, await Router.RouteAsync(host.Client, Result(null)));
        Assert.Equal(TrainingResultRouting.Unreadable, await Router.RouteAsync(host.Client, "not json"));
        Assert.Equal(TrainingResultRouting.Unreadable, await Router.RouteAsync(host.Client, "{}"));
    }

    [Fact]
    public async Task A_result_reaches_a_waiting_round_and_is_dropped_once_the_round_has_finished()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var container = (await scope.CreateContainerAsync("executions")).Name;
        await using var hub = new TestTaskHub();
        await using var host = await DurableTestHost.StartAsync(hub.Options);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ShardRoundOrchestrator),
            new RoundInput(container, Shards: 1, ApprovalTimeoutSeconds: 300));
        await host.Client.WaitForPhaseAsync(id, "waiting", TimeSpan.FromSeconds(40));

        Assert.Equal(TrainingResultRouting.Delivered, await Router.RouteAsync(host.Client, Result(id)));
        await host.Client.TerminateInstanceAsync(id, "test over");
        await host.Client.WaitForInstanceCompletionAsync(id);
        Assert.Equal(TrainingResultRouting.RoundFinished, await Router.RouteAsync(host.Client, Result(id)));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../champion.json")]
    [InlineData("a/b")]
    public async Task Attack_a_result_naming_a_path_instead_of_a_version_is_dropped_before_any_round_is_looked_up(string version)
    {
        await using var hub = new TestTaskHub();
        await using var host = await DurableTestHost.StartAsync(hub.Options);
        // The same message with a real version name fails on the missing round (and would be retried); this one is
        // dropped first, so its version never reaches a blob path.
        await Assert.ThrowsAsync<InvalidOperationException>(() => Router.RouteAsync(host.Client, Result("no-such-round")));
        Assert.Equal(TrainingResultRouting.InvalidVersion, await Router.RouteAsync(host.Client, Result("no-such-round", version)));
    }
}
