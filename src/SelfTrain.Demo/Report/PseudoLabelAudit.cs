using SelfTrain.Core;
using SelfTrain.Core.Evaluation;
using SelfTrain.Core.Labels;

namespace SelfTrain.Demo.Report;

/// <summary>
/// What no production system can know and the demo can: how right the accepted pseudo-labels really were. Each
/// distinct pool image counts once, under the class it was given: the teacher's label, or the propagated scores' argmax.
/// </summary>
public static class PseudoLabelAudit
{
    /// <summary>The teacher's own pseudo-labels: the rows it labelled, judged by its confidence.</summary>
    public static IReadOnlyList<PseudoLabelClass> Of(IReadOnlyList<ClassThreshold> thresholds, string teacher,
        IEnumerable<LabelRecord> rows, IReadOnlyDictionary<ContentAddress, int> truth, IReadOnlyList<string> classes) =>
        Audit(thresholds, rows.Where(r => r is { Status: LabelStatus.Labelled, Prediction: not null } && r.ModelVersion == teacher)
            .Select(r => (r.Content, r.Prediction!.ClassIndex, (double)r.Prediction.Confidence)), truth, classes);

    /// <summary>Label propagation's pseudo-labels: each image's propagated distribution, judged by its top score.</summary>
    public static IReadOnlyList<PseudoLabelClass> OfPropagated(IReadOnlyList<ClassThreshold> thresholds,
        IEnumerable<(ContentAddress Content, float[] Scores)> scores, IReadOnlyDictionary<ContentAddress, int> truth, IReadOnlyList<string> classes) =>
        Audit(thresholds, scores.Select(s =>
        {
            var c = Array.IndexOf(s.Scores, s.Scores.Max());
            return (s.Content, c, (double)s.Scores[c]);
        }), truth, classes);

    private static IReadOnlyList<PseudoLabelClass> Audit(IReadOnlyList<ClassThreshold> thresholds,
        IEnumerable<(ContentAddress Content, int ClassIndex, double Confidence)> judged, IReadOnlyDictionary<ContentAddress, int> truth,
        IReadOnlyList<string> classes)
    {
        if (thresholds.Count == 0) return [];
        var byClass = thresholds.ToDictionary(t => t.ClassIndex);
        var predicted = new int[classes.Count];
        var accepted = new int[classes.Count];
        var correct = new int[classes.Count];
        var seen = new HashSet<ContentAddress>();
        foreach (var (content, c, confidence) in judged)
        {
            if (!truth.TryGetValue(content, out var trueClass) || !seen.Add(content)) continue; // not a pool image, or counted
            predicted[c]++;
            if (confidence < byClass[c].Threshold) continue;
            accepted[c]++;
            if (trueClass == c) correct[c]++;
        }
        return classes.Select((name, c) => new PseudoLabelClass(name, byClass[c].Threshold, byClass[c].EstimatedPrecision, predicted[c], accepted[c], correct[c]))
            .ToArray();
    }
}
