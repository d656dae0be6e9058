namespace SelfTrain.Core.Evaluation;

public sealed record GateDecision(bool Promote, double AccuracyGain, double PValue, long ChampionOnlyRight, long CandidateOnlyRight,
    IReadOnlyList<string> Reasons);

/// <summary>
/// Promotes a candidate only when it is really better than the champion on gold data neither trained on: it passed
/// its smoke check, it is more accurate by at least the minimum gain, the gain is significant by McNemar's exact
/// test on the paired predictions, and no class got much worse. Every failed condition is named.
/// </summary>
public static class PromotionGate
{
    /// <param name="classNames">Named in the reasons beside each class's index, when given.</param>
    public static GateDecision Decide(GatePolicy policy, IReadOnlyList<int> truth, IReadOnlyList<int> champion, IReadOnlyList<int> candidate,
        int classes, IReadOnlyList<string>? smokeFailures = null, IReadOnlyList<string>? classNames = null)
    {
        string Class(int c) => classNames is { } names && c < names.Count ? $"{c} ({names[c]})" : $"{c}";
        var reasons = new List<string>(smokeFailures?.Select(f => $"smoke check failed: {f}") ?? []);
        var before = ConfusionMatrix.From(truth, champion, classes);
        var after = ConfusionMatrix.From(truth, candidate, classes);
        var (championOnly, candidateOnly, p) = McNemar.Compare(truth, champion, candidate);
        var gain = after.Accuracy - before.Accuracy;

        if (gain < policy.MinimumGain)
            reasons.Add($"accuracy gain {gain:+0.0000;-0.0000} is below the minimum {policy.MinimumGain:0.0000}");
        // A candidate that is not ahead fails on its gain; significance is only asked of one that is.
        if (gain > 0 && !(p < policy.Alpha))
            reasons.Add($"not significant: McNemar p = {p:0.####} (needs < {policy.Alpha}; {candidateOnly} images only the candidate got right, {championOnly} only the champion)");
        for (var c = 0; c < classes; c++)
        {
            var drop = before.Recall(c) - after.Recall(c);
            if (drop > policy.MaximumRecallDrop)
                reasons.Add($"class {Class(c)} recall fell by {drop:0.000} ({before.Recall(c):0.000} → {after.Recall(c):0.000}), more than {policy.MaximumRecallDrop:0.000}");
        }
        return new GateDecision(reasons.Count == 0, gain, p, championOnly, candidateOnly, reasons);
    }
}
