using SelfTrain.Core.Evaluation;
using SelfTrain.Core.Training;

namespace SelfTrain.Workflow.Round;

/// <summary>What <c>POST /api/rounds</c> may set; everything has a default. Travels through the history: ids and numbers only.</summary>
public sealed record RoundRequest
{
    public string Recipe { get; init; } = Recipes.NoisyStudent;

    /// <summary>Precision the accepted pseudo-labels must reach on gold/validation (per-class thresholds).</summary>
    public double TargetPrecision { get; init; } = 0.95;

    public string Architecture { get; init; } = "small-cnn";
    public int InputSize { get; init; } = 28;
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 128;
    public double GoldShare { get; init; } = 0.25;
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

    /// <summary>Rounds to run (Noisy Student iteration): after a promotion, the pool is relabelled and the next round starts.</summary>
    public int MaxRounds { get; init; } = 1;

    /// <summary>This round's number (set by the orchestration when it continues).</summary>
    public int Round { get; init; } = 1;
}

/// <summary>The orchestration's custom status at every step.</summary>
public sealed record RoundStatus(int Round, string Phase, int Done, int Total, string? Detail = null);

public sealed record RoundPlan(string Teacher, IReadOnlyList<string> Classes, IReadOnlyList<string> Partitions);

public sealed record CalibrationRequest(string Teacher, double TargetPrecision);

public sealed record ShardRequest(string RoundId, string Partition, string Teacher, IReadOnlyList<double>? Thresholds, int InputSize, int Classes);

public sealed record ShardGroupRequest(string RoundId, IReadOnlyList<string> Partitions, string Teacher, IReadOnlyList<double>? Thresholds,
    int InputSize, int Classes);

/// <summary>What one shard holds; <see cref="Blob"/> is null when nothing was accepted.</summary>
public sealed record ShardCounts(string? Blob, int Accepted, int BelowThreshold, int Unusable, IReadOnlyList<int> PerClass)
{
    public static ShardCounts Sum(IEnumerable<ShardCounts> shards, int classes)
    {
        var all = shards.ToArray();
        return new ShardCounts(null, all.Sum(s => s.Accepted), all.Sum(s => s.BelowThreshold), all.Sum(s => s.Unusable),
            Enumerable.Range(0, classes).Select(c => all.Sum(s => s.PerClass[c])).ToArray());
    }
}

public sealed record GoldShardRequest(string RoundId, int InputSize, int Classes);

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
    public string? Candidate { get; init; }
    public bool Promoted { get; init; }
    public string Champion { get; init; } = "";
    public IReadOnlyList<string> Reasons { get; init; } = [];
    public IReadOnlyList<ClassThreshold> Thresholds { get; init; } = [];
    public ShardCounts? Pool { get; init; }
    public int GoldImages { get; init; }
    public int TrainingAttempts { get; init; }

    /// <summary>Training results that reached the round but were not accepted (another job, version or hash), and why.</summary>
    public IReadOnlyList<string> IgnoredTrainingResults { get; init; } = [];
    public ValidationResult? Validation { get; init; }
    public IReadOnlyDictionary<string, double> PhaseSeconds { get; init; } = new Dictionary<string, double>();
}
