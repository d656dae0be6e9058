using Microsoft.Extensions.Logging.Abstractions;
using SelfTrain.Core.Training;
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
        await using var host = await DurableTestHost.StartAsync(DurableTestHost.Options(DurableTestHost.NewTaskHub()));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Router.RouteAsync(host.Client, Result("no-such-round")));
        Assert.Contains("no-such-round", error.Message);
    }

    [Fact]
    public async Task Results_without_a_round_and_unreadable_ones_are_dropped_quietly()
    {
        await using var host = await DurableTestHost.StartAsync(DurableTestHost.Options(DurableTestHost.NewTaskHub()));
        await Router.RouteAsync(host.Client, Result(null));
        await Router.RouteAsync(host.Client, "not json");
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../champion.json")]
    [InlineData("a/b")]
    public async Task Attack_a_result_naming_a_path_instead_of_a_version_is_dropped_before_any_round_is_looked_up(string version)
    {
        await using var host = await DurableTestHost.StartAsync(DurableTestHost.Options(DurableTestHost.NewTaskHub()));
        // The same message with a real version name fails on the missing round (and would be retried); this one is
        // dropped first, so its version never reaches a blob path.
        await Assert.ThrowsAsync<InvalidOperationException>(() => Router.RouteAsync(host.Client, Result("no-such-round")));
        await Router.RouteAsync(host.Client, Result("no-such-round", version));
    }
}
