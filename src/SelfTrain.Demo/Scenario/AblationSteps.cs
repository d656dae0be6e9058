using SelfTrain.Core.Training;

namespace SelfTrain.Demo.Scenario;

/// <summary>One step of the ablation: what it adds to the step before, and the hyperparameters that train it.</summary>
public sealed record AblationStep(string Name, string Adds, RecipeHyperparameters Hyperparameters);

/// <summary>
/// The recipe taken apart, one technique at a time, on the round's own shards (the pseudo-labels its thresholds
/// accepted): each step adds one technique to the one before, and the last is the round's recipe itself, whose student
/// is the round's candidate. The naive copy comes before the first step and later rounds after the last.
/// </summary>
public static class AblationSteps
{
    public const string Thresholds = "thresholds";
    public const string SoftLabels = "+ soft labels";
    public const string Noise = "+ noise";
    public const string GoldAndClassFill = "+ gold in every batch, class fill";
    public const string WeightAveraging = "+ weight averaging";

    /// <summary>
    /// At this temperature the target p^(1/T) of an accepted pseudo-label is its argmax to float precision: calibrated
    /// at 95% precision, its confidence lies far above the runner-up's.
    /// </summary>
    private const double ArgmaxTemperature = 0.01;

    private const string TheRound = " (the round's recipe)";

    /// <summary>The steps, in order; the last one's hyperparameters are <paramref name="round"/>'s.</summary>
    public static IReadOnlyList<AblationStep> Of(RecipeHyperparameters round)
    {
        var recipe = round with { ClassThresholds = null }; // the shards hold only what the thresholds accepted
        var fill = recipe with { EmaDecay = null };
        var noise = fill with { GoldShare = 0, Balance = BalanceMode.None };
        var soft = noise with
        {
            Dropout = 0,
            Augmentation = round.Augmentation with { Translate = false, Flips = false, RandomErasing = false },
        };
        var thresholds = soft with { Temperature = ArgmaxTemperature };
        return
        [
            new(Thresholds, "only the pseudo-labels above the per-class thresholds, as hard labels; classes not balanced", thresholds),
            new(SoftLabels, "the teacher's distribution instead of its argmax", soft),
            new(Noise, "augmentation and dropout on the student", noise),
            new(GoldAndClassFill, "gold images in every batch; each class's gold joins its pseudo-labels and classes are balanced"
                + (round.EmaDecay is null ? TheRound : ""), fill),
            // Only where the round averages its weights (emaDecay; off by default), or the step would repeat the one before.
            .. round.EmaDecay is null ? Array.Empty<AblationStep>()
                : [new(WeightAveraging, "the moving average of the student's weights is exported, not its last step's" + TheRound, recipe)],
        ];
    }

    /// <summary>The steps that need a student of their own: the last one's is the round's candidate.</summary>
    public static IReadOnlyList<AblationStep> ToTrain(RecipeHyperparameters round) => [.. Of(round).SkipLast(1)];
}
