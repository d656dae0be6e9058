using System.Globalization;
using SelfTrain.Core.Evaluation;

namespace SelfTrain.Core.Training;

/// <summary>The knobs of a recipe. Defaults suit a small CNN on Fashion-MNIST-sized data.</summary>
public sealed record RecipeHyperparameters
{
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 128;

    /// <summary>Peak learning rate of AdamW; a cosine schedule takes it to zero over the run.</summary>
    public double LearningRate { get; init; } = 2e-3;

    public double WeightDecay { get; init; } = 5e-4;

    /// <summary>Softens (> 1) or sharpens (< 1) the teacher's probabilities: target ∝ p^(1/T).</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>
    /// Half of every batch from gold. An epoch is still one pass over the pool, so this takes 1.5 times the steps of a
    /// quarter; on Fashion-MNIST (2,000 gold, 20,000 pool) it gave 0.6 points over a quarter in two draws, about what
    /// the same steps spent on 12 epochs at a quarter gave in one (docs/training.md).
    /// </summary>
    public const double DefaultGoldShare = 0.5;

    /// <summary>Share of every batch taken from the gold images (noisy-student); the rest are pool images.</summary>
    public double GoldShare { get; init; } = DefaultGoldShare;

    /// <summary>Minimum teacher confidence, per class, for a pool image to be used; null accepts all.</summary>
    public IReadOnlyList<double>? ClassThresholds { get; init; }

    public BalanceMode Balance { get; init; } = BalanceMode.Oversample;

    /// <summary>
    /// With <see cref="BalanceMode.Oversample"/>, a class is repeated at most this many times over; null (the
    /// default) raises every class to the largest. On Fashion-MNIST a 3× limit cost 0.9 points of test accuracy
    /// (docs/training.md): even a few dozen confident images of a rare class are worth repeating.
    /// </summary>
    public double? MaxOversampling { get; init; }

    public AugmentationOptions Augmentation { get; init; } = new();

    public double Dropout { get; init; } = 0.25;

    /// <summary>
    /// Decay of the exponential moving average of the student's weights, updated every step; the job exports the
    /// average (<c>WeightAverage</c>: its decay warms up as (1 + t) / (10 + t) after step t, so until that reaches this
    /// it weighs about the last tenth of the steps). Null, the default, exports the last step's weights: on
    /// Fashion-MNIST the average gained 0.21 ± 0.18 points in three offline draws but −0.07 ± 0.33 in the demo's
    /// ablation (docs/training.md). The naive recipe, a plain copy, never averages.
    /// </summary>
    public double? EmaDecay { get; init; }

    /// <summary>Share of the gold images (or, without gold, of all images) held back to measure accuracy each epoch.</summary>
    public double HeldBackShare { get; init; } = 0.05;

    public IReadOnlyList<string> Problems(int classCount)
    {
        var problems = new List<string>();
        if (Epochs is < 1 or > 1000) problems.Add($"epochs {Epochs} must be between 1 and 1000");
        if (BatchSize is < 2 or > 4096) problems.Add($"batchSize {BatchSize} must be between 2 and 4096");
        if (LearningRate is not (> 0 and <= 1)) problems.Add($"learningRate {LearningRate} must be in (0, 1]");
        if (!(WeightDecay >= 0)) problems.Add("weightDecay must not be negative");
        if (Temperature is not (> 0 and <= 100)) problems.Add($"temperature {Temperature} must be in (0, 100]");
        // 1 would leave no room in a batch for the pool (and divided by zero in the trainer).
        if (GoldShare is < 0 or >= 1) problems.Add($"goldShare {GoldShare} must be in [0, 1): the share of each batch drawn from gold");
        if (Dropout is < 0 or >= 1) problems.Add("dropout must be in [0, 1)");
        if (HeldBackShare is < 0 or >= 1) problems.Add("heldBackShare must be in [0, 1)");
        if (MaxOversampling is { } factor && !(factor >= 1)) problems.Add("maxOversampling must be at least 1");
        if (EmaDecay is { } decay && decay is not (>= 0 and < 1)) problems.Add($"emaDecay {decay} must be in [0, 1)");
        // A class whose target no cut reaches has the threshold Never, above any confidence.
        if (ClassThresholds is not null && (ClassThresholds.Count != classCount || ClassThresholds.Any(t => t is < 0 or > ConfidenceThresholds.Never)))
            problems.Add($"classThresholds must hold {classCount} values between 0 and {ConfidenceThresholds.Never} (accept none)");
        if (Augmentation is null) problems.Add("augmentation is missing");
        else if (Augmentation.MaxShift is < 0 or > 16 || Augmentation.ErasingProbability is < 0 or > 1)
            problems.Add("augmentation.maxShift must be 0–16 and augmentation.erasingProbability 0–1");
        return problems;
    }

    /// <summary>Flat name → value pairs for a model's lineage.</summary>
    public IReadOnlyDictionary<string, string> ToLineage()
    {
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var values = new Dictionary<string, string>
        {
            ["epochs"] = Epochs.ToString(CultureInfo.InvariantCulture),
            ["batchSize"] = BatchSize.ToString(CultureInfo.InvariantCulture),
            ["learningRate"] = F(LearningRate),
            ["weightDecay"] = F(WeightDecay),
            ["temperature"] = F(Temperature),
            ["goldShare"] = F(GoldShare),
            ["balance"] = Balance.ToString(),
            ["maxOversampling"] = MaxOversampling is { } factor ? F(factor) : "none",
            ["dropout"] = F(Dropout),
            ["emaDecay"] = EmaDecay is { } decay ? F(decay) : "none",
            ["heldBackShare"] = F(HeldBackShare),
            ["augmentation.translate"] = Augmentation.Translate.ToString(),
            ["augmentation.maxShift"] = Augmentation.MaxShift.ToString(CultureInfo.InvariantCulture),
            ["augmentation.flips"] = Augmentation.Flips.ToString(),
            ["augmentation.randomErasing"] = Augmentation.RandomErasing.ToString(),
            ["augmentation.erasingProbability"] = F(Augmentation.ErasingProbability),
        };
        if (ClassThresholds is not null) values["classThresholds"] = string.Join(",", ClassThresholds.Select(F));
        return values;
    }
}

/// <summary>Noise applied to the student's inputs (noisy-student and supervised; the naive recipe uses none).</summary>
public sealed record AugmentationOptions
{
    /// <summary>Random translation: pad by <see cref="MaxShift"/> pixels and crop back at a random offset.</summary>
    public bool Translate { get; init; } = true;

    public int MaxShift { get; init; } = 2;

    /// <summary>Horizontal flips; only where the classes are mirror-symmetric (true for clothing, false for digits).</summary>
    public bool Flips { get; init; }

    /// <summary>Random erasing of a rectangle (2–20% of the image) with probability <see cref="ErasingProbability"/>.</summary>
    public bool RandomErasing { get; init; } = true;

    public double ErasingProbability { get; init; } = 0.5;
}

/// <summary>How pool classes are balanced: not at all, by capping every class at the median class size, or by oversampling every class towards the largest.</summary>
public enum BalanceMode { None, Cap, Oversample }
