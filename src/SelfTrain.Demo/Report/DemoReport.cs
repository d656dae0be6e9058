using SelfTrain.Core.Evaluation;

namespace SelfTrain.Demo.Report;

/// <summary>Everything the demo measured, as written to report.json and drawn in report.md's plots.</summary>
public sealed record DemoReport
{
    public required DateTimeOffset CreatedAt { get; init; }
    public required DemoSettings Settings { get; init; }
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>Model A, the student B, and the two references trained by the report step; all scored on gold/test.</summary>
    public required ModelScore Teacher { get; init; }
    public required ModelScore Student { get; init; }
    public required ModelScore Naive { get; init; }
    public required ModelScore Oracle { get; init; }

    /// <summary>Whether a student serves at the end: some round promoted its candidate.</summary>
    public required bool Promoted { get; init; }

    /// <summary>Each round's candidate (B1, B2, ...) scored on gold/test, with its teacher and the gate's decision.</summary>
    public IReadOnlyList<RoundScore> Rounds { get; init; } = [];

    /// <summary>
    /// With the ablation: the naive copy, each step of <see cref="Scenario.AblationSteps"/> (the last is round 1's
    /// candidate) and each later round, in order, all scored on gold/test; empty without.
    /// </summary>
    public IReadOnlyList<AblationRow> Ablation { get; init; } = [];

    /// <summary>The gate's reasons for the last round's decision.</summary>
    public required IReadOnlyList<string> GateReasons { get; init; }

    /// <summary>McNemar's exact test of B against A on gold/test (A right only, B right only, p).</summary>
    public required PairedTest StudentVersusTeacher { get; init; }

    /// <summary>The accepted pseudo-labels of the last round, scored against the pool's true labels.</summary>
    public required double TargetPrecision { get; init; }
    public required IReadOnlyList<PseudoLabelClass> PseudoLabels { get; init; }

    /// <summary>With label propagation: the pseudo-labels the shards took, by the propagated scores; empty without.</summary>
    public IReadOnlyList<PseudoLabelClass> PropagatedPseudoLabels { get; init; } = [];

    /// <summary>Wall time of the demo's steps and of the round's phases.</summary>
    public required IReadOnlyList<PhaseTime> Steps { get; init; }
    public required IReadOnlyList<PhaseTime> RoundPhases { get; init; }

    /// <summary>A few <c>POST /api/predict</c> answers at the end.</summary>
    public required IReadOnlyList<PredictCall> PredictCalls { get; init; }
}

/// <summary>The run's settings; those after <paramref name="RoundId"/> keep their defaults in reports written before they were recorded.</summary>
public sealed record DemoSettings(int Gold, int Pool, int Validation, int Test, int Rounds, int Epochs, int Seed, string RoundId,
    double TargetPrecision = 0.95, bool SecondOpinion = false, bool View = false, bool Propagate = false);

/// <summary>A model's results on gold/test plus its size and end-to-end speed (PNG decode + inference, batched).</summary>
public sealed record ModelScore(
    string Role,
    string Version,
    string Recipe,
    double Accuracy,
    double AccuracyLow95,
    double AccuracyHigh95,
    double MacroF1,
    double ExpectedCalibrationError,
    IReadOnlyList<double> Recall,
    long[][] Confusion,
    IReadOnlyList<ReliabilityBin> Reliability,
    long OnnxBytes,
    double ImagesPerSecond);

/// <summary>One round's candidate on gold/test: which model taught it and whether the gate promoted it.</summary>
public sealed record RoundScore(int Round, string Teacher, bool Promoted, ModelScore Score);

/// <summary>One row of the ablation: the step's name, what it adds to the row before, and its student on gold/test.</summary>
public sealed record AblationRow(string Step, string Adds, ModelScore Score);

public sealed record PairedTest(long FirstOnly, long SecondOnly, double PValue);

/// <summary>
/// One class's pseudo-labels: pool images the teacher put in the class, those whose confidence passed the class's
/// threshold, and how many of those were truly of the class. EstimatedPrecision is what calibration on
/// gold/validation promised.
/// </summary>
public sealed record PseudoLabelClass(string Class, double Threshold, double EstimatedPrecision, int Predicted, int Accepted, int Correct)
{
    public double Precision => Accepted == 0 ? 0 : (double)Correct / Accepted;
    public double Coverage => Predicted == 0 ? 0 : (double)Accepted / Predicted;
}

public sealed record PhaseTime(string Name, double Seconds);

public sealed record PredictCall(string Image, string TrueLabel, string Label, double Confidence, string Model);
