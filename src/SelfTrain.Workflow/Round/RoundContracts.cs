using SelfTrain.Core.Embeddings;
using SelfTrain.Core.Evaluation;
using SelfTrain.Core.Training;

namespace SelfTrain.Workflow.Round;

/// <summary>What <c>POST /api/rounds</c> may set; everything has a default. Travels through the history: ids and numbers only.</summary>
public sealed record RoundRequest
{
    public string Recipe { get; init; } = Recipes.NoisyStudent;

    /// <summary>Precision the accepted pseudo-labels must reach on gold/validation (per-class thresholds).</summary>
    public double TargetPrecision { get; init; } = 0.95;

    /// <summary>The student network; null: <c>POST /api/rounds</c> picks one for the input (<see cref="StudentDefaults"/>).</summary>
    public string? Architecture { get; init; }

    /// <summary>Side of the student's square input in px; null: the teacher's, at most <see cref="StudentDefaults.MaxInputSize"/>.</summary>
    public int? InputSize { get; init; }

    /// <summary>1 (gray) or 3 (RGB) student channels; null: the teacher's.</summary>
    public int? Channels { get; init; }

    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 128;
    public double GoldShare { get; init; } = RecipeHyperparameters.DefaultGoldShare;
    public double Temperature { get; init; } = 1.0;
    public int Seed { get; init; } = 1;

    /// <summary>
    /// The gate this round applies: the deployment's floor, made stricter where the request asked (set by
    /// <c>POST /api/rounds</c>; validation never applies less than the floor, whatever this says).
    /// </summary>
    public GatePolicy? Gate { get; init; }

    /// <summary>How long one training attempt may take before it counts as failed.</summary>
    public TimeSpan TrainingTimeout { get; init; } = TimeSpan.FromHours(4);

    public int MaxTrainingAttempts { get; init; } = 2;

    /// <summary>Partitions per shard-building sub-orchestration, so the history stays small with thousands.</summary>
    public int PartitionsPerGroup { get; init; } = 16;

    /// <summary>
    /// Whether the champion's own teacher, when it is stored and has the same classes, judges the pool beside the
    /// champion: thresholds and pseudo-labels then come from the average of both models' probabilities, two views
    /// that err differently, rather than from the champion alone (which a student would copy, errors and all).
    /// </summary>
    public bool SecondOpinion { get; init; }

    /// <summary>
    /// The embedding view: gold and pool images are embedded through the configured image-embeddings endpoint (Azure AI
    /// Model Inference), and pool images that copy held-out gold images, or lie outside the gold set, are kept out of
    /// training and counted. Null: off.
    /// </summary>
    public EmbeddingViewPolicy? View { get; init; }

    /// <summary>Rounds to run (Noisy Student iteration): after a promotion, the pool is relabelled and the next round starts.</summary>
    public int MaxRounds { get; init; } = 1;

    /// <summary>This round's number (set by the orchestration when it continues).</summary>
    public int Round { get; init; } = 1;
}

/// <summary>The orchestration's custom status at every step.</summary>
public sealed record RoundStatus(int Round, string Phase, int Done, int Total, string? Detail = null);

/// <param name="SecondOpinion">The model that judges the pool beside the teacher, when the request asked for one and there is one.</param>
public sealed record RoundPlan(string Teacher, IReadOnlyList<string> Classes, IReadOnlyList<string> Partitions, string? SecondOpinion = null);

public sealed record CalibrationRequest(string Teacher, double TargetPrecision, string? SecondOpinion = null);

/// <summary>
/// The student a round trains: network, square input side and channels. Requests from before channels were chosen
/// carry none and trained gray students, as their replays still do.
/// </summary>
public sealed record StudentShape(string Architecture, int InputSize, int Channels)
{
    public static StudentShape Of(RoundRequest request)
    {
        var (size, channels) = (request.InputSize ?? FallbackInputSize, request.Channels ?? 1);
        return new(request.Architecture ?? StudentDefaults.Architecture(size, channels), size, channels);
    }

    /// <summary>The side of requests that named none before sides were picked from the teacher.</summary>
    private const int FallbackInputSize = 28;
}

/// <param name="Channels">Of the stored images: 1 gray, 3 RGB.</param>
/// <param name="View">The round's embedding view, when it has one: the partition's embeddings are judged against gold's.</param>
/// <param name="PropagatedThresholds">
/// With label propagation, the per-class thresholds of the propagated scores: an image propagation scored is judged
/// (and soft-labelled) by its propagated scores; one it did not (not embedded yet) by the teacher and <paramref name="Thresholds"/>.
/// </param>
public sealed record ShardRequest(string RoundId, string Partition, string Teacher, IReadOnlyList<double>? Thresholds, int InputSize, int Classes,
    int Channels = 1, string? SecondOpinion = null, EmbeddingViewPlan? View = null, IReadOnlyList<double>? PropagatedThresholds = null);

public sealed record ShardGroupRequest(string RoundId, IReadOnlyList<string> Partitions, string Teacher, IReadOnlyList<double>? Thresholds,
    int InputSize, int Classes, int Channels = 1, string? SecondOpinion = null, EmbeddingViewPlan? View = null,
    IReadOnlyList<double>? PropagatedThresholds = null);

/// <summary>Before label propagation: relabel a group of partitions by <paramref name="Teacher"/> where another version labelled, then embed them with <paramref name="Model"/>.</summary>
public sealed record PartitionGroupEmbedding(IReadOnlyList<string> Partitions, string Teacher, string Model);

/// <summary>Propagate over gold and every partition's embeddings, seeded by the teacher, and calibrate on gold/validation.</summary>
public sealed record PropagationRequest(string RoundId, string Teacher, EmbeddingViewPlan View, LabelPropagation Propagation, IReadOnlyList<string> Partitions,
    double TargetPrecision);

/// <summary>
/// What label propagation gave: per-class thresholds of the propagated scores on gold/validation at the target
/// precision; the images in the graph (gold/train, gold/validation, pool) and the pool images the teacher seeded;
/// gold/validation accuracy of the teacher and of the propagated scores; the seconds the graph and diffusion took.
/// </summary>
public sealed record PropagationResult(IReadOnlyList<ClassThreshold> Thresholds, int Images, int PoolImages, int PoolSeeded,
    double TeacherValidationAccuracy, double PropagatedValidationAccuracy, double Seconds);

/// <summary>
/// The embedding view of a round, once gold is embedded: the embedding model (as its endpoint names it), the
/// near-duplicate similarity, and the similarity to gold below which a pool image is an outlier (null: none is).
/// </summary>
public sealed record EmbeddingViewPlan(string Model, int Dimensions, double NearDuplicateSimilarity, double? OutlierSimilarity,
    int GoldImages, int GoldEmbedded);

/// <summary>Embed one partition's labelled images with <paramref name="Model"/>.</summary>
public sealed record PartitionEmbeddingRequest(string Partition, string Model);

/// <summary>
/// What the embedding view kept out of one shard (or a round's): near-copies of held-out gold, outliers, each per
/// class of the row's label, and rows with no embedding yet (judged by the teacher alone).
/// </summary>
public sealed record ViewCounts(int NearDuplicates, int Outliers, int NotEmbedded, IReadOnlyList<int> NearDuplicatesPerClass, IReadOnlyList<int> OutliersPerClass)
{
    public static ViewCounts? Sum(IEnumerable<ViewCounts?> counts, int classes)
    {
        var all = counts.OfType<ViewCounts>().ToArray();
        return all.Length == 0 ? null : new ViewCounts(all.Sum(c => c.NearDuplicates), all.Sum(c => c.Outliers), all.Sum(c => c.NotEmbedded),
            Enumerable.Range(0, classes).Select(k => all.Sum(c => c.NearDuplicatesPerClass[k])).ToArray(),
            Enumerable.Range(0, classes).Select(k => all.Sum(c => c.OutliersPerClass[k])).ToArray());
    }
}

/// <summary>
/// What one shard holds; <see cref="Blob"/> is null when nothing was accepted. <see cref="Unusable"/>: rows with no
/// usable label or whose every upload is gone; <see cref="Relabelled"/>: rows another version had labelled, which the
/// teacher labelled while the shard was built (each then accepted or below its threshold).
/// </summary>
/// <param name="TeacherPerClass">With label propagation: per class, the images the teacher alone would have accepted by its own thresholds.</param>
public sealed record ShardCounts(string? Blob, int Accepted, int BelowThreshold, int Unusable, IReadOnlyList<int> PerClass, int Relabelled = 0,
    ViewCounts? View = null, IReadOnlyList<int>? TeacherPerClass = null)
{
    public static ShardCounts Sum(IEnumerable<ShardCounts> shards, int classes)
    {
        var all = shards.ToArray();
        var teacher = all.Select(s => s.TeacherPerClass).OfType<IReadOnlyList<int>>().ToArray();
        return new ShardCounts(null, all.Sum(s => s.Accepted), all.Sum(s => s.BelowThreshold), all.Sum(s => s.Unusable),
            Enumerable.Range(0, classes).Select(c => all.Sum(s => s.PerClass[c])).ToArray(), all.Sum(s => s.Relabelled),
            ViewCounts.Sum(all.Select(s => s.View), classes),
            teacher.Length == 0 ? null : Enumerable.Range(0, classes).Select(c => teacher.Sum(t => t[c])).ToArray());
    }
}

public sealed record GoldShardRequest(string RoundId, int InputSize, int Classes, int Channels = 1);

public sealed record TrainingSubmission(string RoundId, string InstanceId, int Attempt, TrainingJob Job);

/// <summary>Judge <paramref name="Candidate"/>, whose bytes must hash to <paramref name="CandidateSha256"/> (the verified training result's).</summary>
public sealed record ValidationRequest(string Candidate, string Champion, GatePolicy Gate, string CandidateSha256);

public sealed record ValidationResult(ModelEvaluation? Candidate, ModelEvaluation Champion, GateDecision Decision, IReadOnlyList<string> SmokeFailures);

/// <summary>Promote <paramref name="Candidate"/> if it still has the validated bytes (<paramref name="CandidateSha256"/>).</summary>
public sealed record PromotionRequest(string Candidate, string CandidateSha256, string ExpectedChampion, string Reason,
    IReadOnlyDictionary<string, double>? Metrics = null);

/// <summary>A training result's candidate to check before the round accepts it.</summary>
public sealed record CandidateCheck(string Version, string Sha256);

/// <summary>Whether the candidate is stored with the reported bytes; otherwise why not.</summary>
public sealed record CandidateCheckResult(bool Accepted, string? Reason);

public sealed record PromotionResult(bool Promoted, string Champion, string? Reason);

public sealed record RelabelRequest(string Partition, string Champion);

public sealed record RoundReportRequest(string RoundId, string Candidate, RoundResult Result);

/// <summary>How a round ended, with what a report needs: thresholds, shard counts, validation, timings.</summary>
public sealed record RoundResult
{
    public required int Round { get; init; }
    public required string Teacher { get; init; }

    /// <summary>The model that judged the pool beside the teacher (<see cref="RoundRequest.SecondOpinion"/>); null when none did.</summary>
    public string? SecondOpinion { get; init; }

    /// <summary>The embedding view the round used (<see cref="RoundRequest.View"/>); null when it had none.</summary>
    public EmbeddingViewPlan? View { get; init; }

    /// <summary>Label propagation over the view (<see cref="EmbeddingViewPolicy.Propagation"/>); null when the round had none.</summary>
    public PropagationResult? Propagation { get; init; }

    /// <summary>The teacher's class names, in index order (empty in results written before they were recorded).</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary>When the round decided (the orchestration's clock).</summary>
    public DateTimeOffset? Finished { get; init; }
    public string? Candidate { get; init; }
    public bool Promoted { get; init; }
    public string Champion { get; init; } = "";
    public IReadOnlyList<string> Reasons { get; init; } = [];
    public IReadOnlyList<ClassThreshold> Thresholds { get; init; } = [];
    public ShardCounts? Pool { get; init; }
    public int GoldImages { get; init; }
    public int TrainingAttempts { get; init; }

    /// <summary>What to try when the candidate was not promoted or the pool gave nothing (a larger student, more epochs...).</summary>
    public IReadOnlyList<string> Hints { get; init; } = [];

    /// <summary>Training results that reached the round but were not accepted (another job, version or hash), and why.</summary>
    public IReadOnlyList<string> IgnoredTrainingResults { get; init; } = [];
    public ValidationResult? Validation { get; init; }
    public IReadOnlyDictionary<string, double> PhaseSeconds { get; init; } = new Dictionary<string, double>();
}
