using System.Diagnostics.Metrics;
using SelfTrain.Core.Telemetry;

namespace SelfTrain.Serving;

/// <summary>What this process labelled and quarantined since it started, and how many images per minute lately.</summary>
public sealed record LabelStreamSnapshot(DateTimeOffset Since, long Labelled, long Rejected, IReadOnlyList<long> LastMinutes);

/// <summary>
/// The label stream as this process sees it, read from the pipeline's own counters (<c>selftrain.images.labelled</c>
/// and <c>selftrain.images.rejected</c>) by a <see cref="MeterListener"/>, so the dashboard shows exactly what the
/// exported metrics count. One process only: the fleet's figures are the metrics in Application Insights, and the
/// whole table's counts the dashboard's census. Memory: <see cref="Minutes"/> counters.
/// </summary>
public sealed class LabelStream : IDisposable
{
    /// <summary>How many recent minutes the throughput covers.</summary>
    public const int Minutes = 15;

    private readonly TimeProvider _clock;
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly long[] _minutes = new long[Minutes];
    private long _currentMinute;
    private long _labelled, _rejected;

    public LabelStream(TimeProvider clock)
    {
        _clock = clock;
        Since = clock.GetUtcNow();
        _currentMinute = MinuteOf(Since);
        // By name: an instrument is published while SelfTrainTelemetry's fields are still being initialised.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SelfTrainTelemetry.Name
                && instrument.Name is SelfTrainTelemetry.ImagesLabelledName or SelfTrainTelemetry.ImagesRejectedName)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    public DateTimeOffset Since { get; }

    public LabelStreamSnapshot Snapshot()
    {
        lock (_gate)
        {
            Advance(MinuteOf(_clock.GetUtcNow()));
            // Oldest minute first, the current (partial) minute last.
            var start = (int)(_currentMinute % Minutes);
            var recent = Enumerable.Range(1, Minutes).Select(i => _minutes[(start + i) % Minutes]).ToArray();
            return new LabelStreamSnapshot(Since, _labelled, _rejected, recent);
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var labelled = instrument.Name == SelfTrainTelemetry.ImagesLabelledName;
        lock (_gate)
        {
            Advance(MinuteOf(_clock.GetUtcNow()));
            if (labelled)
            {
                _labelled += value;
                _minutes[_currentMinute % Minutes] += value;
            }
            else
            {
                _rejected += value;
            }
        }
    }

    /// <summary>Clears the minutes that passed with no measurement, up to <paramref name="minute"/>.</summary>
    private void Advance(long minute)
    {
        for (var m = _currentMinute + 1; m <= minute && m <= _currentMinute + Minutes; m++)
            _minutes[m % Minutes] = 0;
        _currentMinute = Math.Max(_currentMinute, minute);
    }

    private static long MinuteOf(DateTimeOffset at) => at.ToUnixTimeSeconds() / 60;
}
