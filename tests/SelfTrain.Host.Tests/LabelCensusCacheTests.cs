using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SelfTrain.Api;
using SelfTrain.Core;
using SelfTrain.Core.Labels;
using SelfTrain.Storage;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

/// <summary>The dashboard's count of the label table: reused while fresh, refreshed in the background once stale.</summary>
public sealed class LabelCensusCacheTests
{
    private static LabelRecord Rejected(int i) => new()
    {
        Content = ContentAddress.Of([(byte)i, 7]), BlobNames = [$"{i}.png"], Status = LabelStatus.Rejected,
        LabelledAt = DateTimeOffset.UnixEpoch, RejectionReason = "Empty", RejectionDetail = "test",
    };

    [Fact]
    public async Task A_count_is_reused_for_a_minute_and_then_the_stale_one_is_shown_while_the_next_runs()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var store = new LabelStore(scope.Account, scope.Layout);
        await store.RecordAsync([Rejected(1), Rejected(2)]);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        var cache = new LabelCensusCache(store, clock, NullLogger<LabelCensusCache>.Instance);

        // The first page waits for the first count.
        var first = await cache.GetAsync();
        Assert.Equal(2, first!.Rejected);

        // Within the minute the count is not repeated, whatever the table holds now.
        await store.RecordAsync([Rejected(3)]);
        clock.Advance(LabelCensusCache.MaxAge - TimeSpan.FromSeconds(1));
        Assert.Same(first, await cache.GetAsync());

        // Past it, a page gets the last count at once while the next one runs; a later page gets the new count.
        clock.Advance(TimeSpan.FromSeconds(2));
        var stale = await cache.GetAsync();
        Assert.Same(first, stale);
        await Eventually.HoldsAsync(async () => (await cache.GetAsync())!.Rejected == 3, TimeSpan.FromSeconds(30), "the table counted again");
    }

    [Fact]
    public async Task A_count_that_fails_shows_none_and_the_next_page_counts_again()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        await new LabelStore(scope.Account, scope.Layout).RecordAsync([Rejected(1)]);
        var outage = new StorageOutage(403); // refused at once, not retried
        var store = new LabelStore(StorageAccount.FromConnectionString(AzuriteStorage.ConnectionString, outage), scope.Layout);
        var cache = new LabelCensusCache(store, new FakeTimeProvider(DateTimeOffset.UnixEpoch), NullLogger<LabelCensusCache>.Instance);

        outage.Begin();
        Assert.Null(await cache.GetAsync());
        outage.End();

        Assert.Equal(1, (await cache.GetAsync())!.Rejected);
    }
}
