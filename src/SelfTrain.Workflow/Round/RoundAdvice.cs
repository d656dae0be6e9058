using SelfTrain.Core.Evaluation;
using SelfTrain.Core.Training;

namespace SelfTrain.Workflow.Round;

/// <summary>
/// What a round tells its operator beyond the gate's conditions: why the pool gave the student nothing, and what to
/// try when a candidate was not promoted. Pure functions of the round's own figures, so replays agree.
/// </summary>
public static class RoundAdvice
{
    /// <summary>A candidate this far below the champion on validation learnt too little to be near it.</summary>
    public const double FarBelow = 0.05;

    /// <summary>The reason a round whose pool contributed no image names, with why; empty when the pool contributed.</summary>
    public static IReadOnlyList<string> PoolReasons(ShardCounts pool, IReadOnlyList<ClassThreshold> thresholds, RoundRequest request)
    {
        if (pool.Accepted > 0 || request.Recipe == Recipes.Supervised) return [];
        var total = pool.Accepted + pool.BelowThreshold + pool.Unusable;
        if (total == 0) return ["the pool contributed no image: no production image has been labelled yet (upload images to incoming/ first)"];
        var why = new List<string>();
        if (pool.Unusable > 0) why.Add($"{pool.Unusable} of {total} label rows are unusable (rejected images, or every upload of the image is gone)");
        if (pool.BelowThreshold > 0)
        {
            var closed = thresholds.Count(t => t.Threshold >= ConfidenceThresholds.Never);
            why.Add($"{pool.BelowThreshold} of {total} were below their class's threshold" + (closed > 0
                ? $" ({closed} of {thresholds.Count} classes could not reach targetPrecision {request.TargetPrecision} on gold/validation and accept nothing)"
                : ""));
        }
        return [$"the pool contributed no image: {string.Join("; ", why)}; the student learnt from gold/train alone"];
    }

    /// <summary>What to change for the next round, where the figures point to something.</summary>
    public static IReadOnlyList<string> Hints(StudentShape student, RoundRequest request, ValidationResult validation, ShardCounts pool)
    {
        var hints = new List<string>();
        if (validation.Candidate is { } candidate && validation.Champion.Accuracy - candidate.Accuracy > FarBelow)
        {
            var larger = student.Architecture != StudentArchitectures.ResNet8.Name && student.InputSize <= StudentArchitectures.ResNet8.MaxInputSize
                ? $"a larger architecture ('{StudentArchitectures.ResNet8.Name}'), or " : "";
            hints.Add($"the student ({student.Architecture} at {student.InputSize} px, {student.Channels} channel{(student.Channels == 1 ? "" : "s")}, {request.Epochs} epochs) " +
                $"reached {candidate.Accuracy:P1} on gold/validation against the teacher's {validation.Champion.Accuracy:P1}: try {larger}more epochs");
        }
        if (pool.Accepted == 0 && pool.BelowThreshold > 0 && request.Recipe == Recipes.NoisyStudent)
            hints.Add($"no pseudo-label passed the thresholds: a lower targetPrecision (now {request.TargetPrecision}) accepts more, or more gold/validation images per class make the thresholds reachable");
        return hints;
    }
}
