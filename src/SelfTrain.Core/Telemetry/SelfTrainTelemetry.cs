using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SelfTrain.Core.Telemetry;

/// <summary>
/// The pipeline's one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named "SelfTrain": the hosts
/// export them (OpenTelemetry), the libraries only record. Span and instrument names follow OpenTelemetry's
/// dotted lower-case convention; attributes are prefixed <c>selftrain.</c>.
/// </summary>
public static class SelfTrainTelemetry
{
    public const string Name = "SelfTrain";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    /// <summary>Images the champion labelled (attribute <c>selftrain.model</c>).</summary>
    public static readonly Counter<long> ImagesLabelled = Meter.CreateCounter<long>("selftrain.images.labelled", "{image}", "Images labelled by the champion");

    /// <summary>Images quarantined (attributes <c>selftrain.reason</c>: Empty, TooManyBytes, NotAnImage, ...; <c>selftrain.model</c>, the champion then).</summary>
    public static readonly Counter<long> ImagesRejected = Meter.CreateCounter<long>("selftrain.images.rejected", "{image}", "Images quarantined, by reason");

    /// <summary><c>POST /api/predict</c> from the body read to the answer (attributes <c>selftrain.model</c>, <c>selftrain.outcome</c>).</summary>
    public static readonly Histogram<double> PredictDuration = Meter.CreateHistogram<double>("selftrain.predict.duration", "ms", "Time to answer a prediction");

    /// <summary>Pseudo-labels a round accepted into its shards (attribute <c>selftrain.class</c>, the class index).</summary>
    public static readonly Counter<long> PseudoLabelsAccepted = Meter.CreateCounter<long>("selftrain.pseudo_labels.accepted", "{image}", "Pseudo-labels accepted per class");

    /// <summary>How long each phase of a finished round took (attribute <c>selftrain.phase</c>).</summary>
    public static readonly Histogram<double> RoundPhaseDuration = Meter.CreateHistogram<double>("selftrain.round.phase.duration", "s", "Time per round phase");

    /// <summary>A span for one step of a round, tagged with what it works on.</summary>
    public static Activity? StartRoundStep(string step, string? round = null, string? model = null)
    {
        var activity = Source.StartActivity($"selftrain.round.{step}");
        activity?.SetTag("selftrain.round", round);
        activity?.SetTag("selftrain.model", model);
        return activity;
    }
}
