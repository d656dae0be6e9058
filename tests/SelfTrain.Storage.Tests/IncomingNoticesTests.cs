using Microsoft.Extensions.Time.Testing;
using SelfTrain.Testing;

namespace SelfTrain.Storage.Tests;

public sealed class IncomingNoticesTests
{
    [Fact]
    public async Task Where_no_local_host_made_the_queue_a_notice_is_skipped_and_creates_nothing()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var notices = new IncomingNotices(scope.Account, scope.Layout);

        Assert.False(await notices.UploadedAsync(force: true));
        Assert.False((await scope.Account.Queues.GetQueueClient(scope.Layout.IncomingNotices).ExistsAsync()).Value);
    }

    [Fact]
    public async Task A_notice_that_cannot_be_delivered_is_skipped_rather_than_failing_the_upload()
    {
        // Nothing listens on the discard port; no retries, so the refusal comes at once.
        var unreachable = new Azure.Storage.Queues.QueueClient(new Uri("http://127.0.0.1:9/devstoreaccount1/incoming-notices"),
            new Azure.Storage.Queues.QueueClientOptions { Retry = { MaxRetries = 0 } });
        var notices = new IncomingNotices(unreachable, TimeProvider.System);

        Assert.False(await notices.UploadedAsync(force: true));
    }

    [Fact]
    public async Task The_watcher_takes_every_waiting_notice_at_once_and_an_uploader_leaves_at_most_one_a_second()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var clock = new FakeTimeProvider();
        var watcher = new IncomingNotices(scope.Account, scope.Layout);
        var uploader = new IncomingNotices(scope.Account, scope.Layout, clock);
        Assert.False(await watcher.TakeAllAsync()); // creates the queue: the local host does, on its first wait

        Assert.True(await uploader.UploadedAsync());
        Assert.False(await uploader.UploadedAsync()); // the next upload within the second leaves none
        clock.Advance(IncomingNotices.Spacing);
        Assert.True(await uploader.UploadedAsync());
        Assert.True(await uploader.UploadedAsync(force: true)); // after the last upload, always

        Assert.True(await watcher.TakeAllAsync());
        Assert.False(await watcher.TakeAllAsync()); // all three taken together
    }
}
