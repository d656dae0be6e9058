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

    public const string ModelTag = "selftrain.model";
    public const string ClassTag = "selftrain.class";
    public const string ReasonTag = "selftrain.reason";
    public const string PhaseTag = "selftrain.phase";
    public const string RoundTag = "selftrain.round";
    public const string ImagesLabelledName = "selftrain.images.labelled";
    public const string ImagesRejectedName = "selftrain.images.rejected";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    /// <summary>Images the champion labelled (attributes <c>selftrain.model</c> and <c>selftrain.class</c>, the predicted class's name).</summary>
    public static readonly Counter<long> ImagesLabelled = Meter.CreateCounter<long>(ImagesLabelledName, "{image}", "Images labelled by the champion");

    /// <summary>Images quarantined (attributes <c>selftrain.reason</c>: Empty, TooManyBytes, NotAnImage, ...; <c>selftrain.model</c>, the champion then).</summary>
    public static readonly Counter<long> ImagesRejected = Meter.CreateCounter<long>(ImagesRejectedName, "{image}", "Images quarantined, by reason");

    /// <summary><c>POST /api/predict</c> from the body read to the answer (attributes <c>selftrain.model</c>, <c>selftrain.outcome</c>).</summary>
    public static readonly Histogram<double> PredictDuration = Meter.CreateHistogram<double>("selftrain.predict.duration", "ms", "Time to answer a prediction");

    /// <summary>An image-embeddings request's model work, decode included (attribute <c>selftrain.model</c>).</summary>
    public static readonly Histogram<double> EmbedDuration = Meter.CreateHistogram<double>("selftrain.embed.duration", "ms", "Time to embed one request's images");

    /// <summary>Pseudo-labels a round accepted into its shards (attributes <c>selftrain.class</c>, the class's name; <c>selftrain.model</c>, the round's teacher).</summary>
    public static readonly Counter<long> PseudoLabelsAccepted = Meter.CreateCounter<long>("selftrain.pseudo_labels.accepted", "{image}", "Pseudo-labels accepted per class");

    /// <summary>How long each phase of a finished round took (attributes <c>selftrain.phase</c>; <c>selftrain.model</c>, the round's teacher).</summary>
    public static readonly Histogram<double> RoundPhaseDuration = Meter.CreateHistogram<double>("selftrain.round.phase.duration", "s", "Time per round phase");

    /// <summary>The model a process serves: 1 for the version now served, 0 for the one it replaced (attribute <c>selftrain.model</c>).</summary>
    public static readonly Gauge<int> Champion = Meter.CreateGauge<int>("selftrain.champion", "{model}", "The champion this process serves");

    /// <summary>Training images per second, one point per epoch of a training job (attributes <c>selftrain.architecture</c>, <c>selftrain.device</c>).</summary>
    public static readonly Histogram<double> TrainingThroughput = Meter.CreateHistogram<double>("selftrain.training.throughput", "{image}/s", "Training images per second");

    /// <summary>A span for one step of a round, tagged with what it works on.</summary>
    public static Activity? StartRoundStep(string step, string? round = null, string? model = null)
    {
        var activity = Source.StartActivity($"selftrain.round.{step}");
        activity?.SetTag(RoundTag, round);
        activity?.SetTag(ModelTag, model);
        return activity;
    }
}
