using SelfTrain.Core;
using SelfTrain.Core.Evaluation;
using SelfTrain.Core.Labels;

namespace SelfTrain.Demo.Report;

/// <summary>
/// What no production system can know and the demo can: how right the accepted pseudo-labels really were. Each
/// distinct pool image the teacher labelled counts once, under the class the teacher gave it.
/// </summary>
public static class PseudoLabelAudit
{
    public static IReadOnlyList<PseudoLabelClass> Of(IReadOnlyList<ClassThreshold> thresholds, string teacher,
        IEnumerable<LabelRecord> rows, IReadOnlyDictionary<ContentAddress, int> truth, IReadOnlyList<string> classes)
    {
        if (thresholds.Count == 0) return [];
        var byClass = thresholds.ToDictionary(t => t.ClassIndex);
        var predicted = new int[classes.Count];
        var accepted = new int[classes.Count];
        var correct = new int[classes.Count];
        foreach (var row in rows)
        {
            if (row.Status != LabelStatus.Labelled || row.ModelVersion != teacher || row.Prediction is not { } prediction) continue;
            if (!truth.TryGetValue(row.Content, out var trueClass)) continue; // not a pool image
            var c = prediction.ClassIndex;
            predicted[c]++;
            if (prediction.Confidence < byClass[c].Threshold) continue;
            accepted[c]++;
            if (trueClass == c) correct[c]++;
        }
        return classes.Select((name, c) => new PseudoLabelClass(name, byClass[c].Threshold, byClass[c].EstimatedPrecision, predicted[c], accepted[c], correct[c]))
            .ToArray();
    }
}
