using Microsoft.Extensions.Time.Testing;
using SelfTrain.Core.Telemetry;

namespace SelfTrain.Serving.Tests;

/// <summary>Runs alone: the pipeline's counters are process-wide, and the per-minute totals count every recording.</summary>
[CollectionDefinition(nameof(LabelStreamTests), DisableParallelization = true)]
public sealed class LabelStreamCollection;

[Collection(nameof(LabelStreamTests))]
public sealed class LabelStreamTests
{
    private static readonly KeyValuePair<string, object?> Model = new(SelfTrainTelemetry.ModelTag, "stream-test");

    private static void Labelled(string label, long count) =>
        SelfTrainTelemetry.ImagesLabelled.Add(count, Model, new KeyValuePair<string, object?>(SelfTrainTelemetry.ClassTag, label));

    private static void Rejected(string reason, long count) =>
        SelfTrainTelemetry.ImagesRejected.Add(count, Model, new KeyValuePair<string, object?>(SelfTrainTelemetry.ReasonTag, reason));

    [Fact]
    public void It_counts_what_the_pipeline_s_counters_record_in_total_and_by_minute()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 10, 0, 5, TimeSpan.Zero));
        Labelled("before-start", 7); // recorded before the stream exists: not its to count
        using var stream = new LabelStream(clock);

        Labelled("Coat", 3);
        Labelled("Shirt", 2);
        clock.Advance(TimeSpan.FromMinutes(1));
        Labelled("Coat", 4);
        Rejected("NotAnImage", 1);
        Rejected("TooManyPixels", 2);

        var snapshot = stream.Snapshot();
        Assert.Equal(clock.GetUtcNow() - TimeSpan.FromMinutes(1), snapshot.Since);
        Assert.Equal((9L, 3L), (snapshot.Labelled, snapshot.Rejected));
        // The last two minutes, oldest first: rejections are not throughput.
        Assert.Equal(LabelStream.Minutes, snapshot.LastMinutes.Count);
        Assert.Equal([5L, 4L], snapshot.LastMinutes.TakeLast(2));
        Assert.All(snapshot.LastMinutes.SkipLast(2), minute => Assert.Equal(0, minute));

        // Minutes age out; the totals since start do not.
        clock.Advance(TimeSpan.FromMinutes(LabelStream.Minutes));
        var later = stream.Snapshot();
        Assert.All(later.LastMinutes, minute => Assert.Equal(0, minute));
        Assert.Equal(9, later.Labelled);
    }

    [Fact]
    public void Quiet_minutes_read_as_zero_and_the_window_slides_past_its_wrap()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero));
        using var stream = new LabelStream(clock);

        // Minutes 0, 5, 14 and 16 of the stream: by minute 16 the window covers minutes 2 to 16, so minute 0 is gone.
        foreach (var (minute, count) in new[] { (0, 1L), (5, 2L), (14, 3L), (16, 4L) })
        {
            clock.SetUtcNow(new DateTimeOffset(2026, 12, 3, 10, minute, 30, TimeSpan.Zero));
            Labelled("Sandal", count);
        }

        long[] expected = new long[LabelStream.Minutes];
        expected[5 - 2] = 2;
        expected[14 - 2] = 3;
        expected[16 - 2] = 4;
        Assert.Equal(expected, stream.Snapshot().LastMinutes);
        Assert.Equal(10, stream.Snapshot().Labelled);
    }

    [Fact]
    public void Once_disposed_it_counts_nothing_more()
    {
        var stream = new LabelStream(new FakeTimeProvider());
        Labelled("Bag", 1);
        stream.Dispose();
        Labelled("Bag", 5);

        Assert.Equal(1, stream.Snapshot().Labelled);
    }
}
