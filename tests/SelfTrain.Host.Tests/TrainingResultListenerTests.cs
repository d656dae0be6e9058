using SelfTrain.Core.Training;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

public sealed class TrainingResultListenerTests
{
    [Fact]
    public async Task A_result_that_cannot_be_routed_in_three_tries_moves_to_the_poison_queue_whole()
    {
        await using var fixture = await HostFixture.CreateAsync();
        var layout = fixture.Scope.Layout;
        var results = fixture.Scope.Account.Queues.GetQueueClient(layout.TrainingResults);
        var poison = fixture.Scope.Account.Queues.GetQueueClient(layout.TrainingResultsPoison);
        await results.CreateIfNotExistsAsync();
        // A round that is never found: the router asks for another try each time.
        var message = TrainingMessageJson.Serialize(new TrainingResultMessage("job-1", TrainingOutcome.Succeeded, "v1", null, 1, "no-such-round"));
        await results.SendMessageAsync(message);

        fixture.Factory.CreateClient(); // starts the host and its listener
        // The listener copies the result to the poison queue before it deletes the original (a crash between
        // the two duplicates it rather than losing it), so the move is complete when both hold.
        await Eventually.HoldsAsync(async () => await poison.ExistsAsync() && (await poison.PeekMessagesAsync()).Value.Length == 1
                && (await results.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0,
            TimeSpan.FromSeconds(60), "the result moved from the results queue to the poison queue");

        Assert.Equal(message, (await poison.PeekMessagesAsync()).Value.Single().Body.ToString());
    }
}
