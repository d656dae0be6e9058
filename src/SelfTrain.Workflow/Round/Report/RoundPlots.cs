using SelfTrain.Core.Evaluation;
using SelfTrain.Reporting;

namespace SelfTrain.Workflow.Round.Report;

/// <summary>
/// The pictures of one finished round, from its result alone: how teacher and candidate did per class on
/// gold/validation, the candidate's confusions, the pseudo-label thresholds, calibration and the phase timeline.
/// </summary>
public static class RoundPlots
{
    public const string Recall = "recall.png";
    public const string Confusion = "confusion.png";
    public const string PseudoLabels = "pseudo-labels.png";
    public const string Reliability = "reliability.png";
    public const string Timings = "timings.png";

    /// <summary>Every plot a round may write, in the order a reader sees them.</summary>
    public static readonly IReadOnlyList<string> Names = [Recall, Confusion, PseudoLabels, Reliability, Timings];

    /// <summary>Each plot's file name and PNG bytes; only those the result has data for.</summary>
    public static IReadOnlyList<(string Name, byte[] Png)> Draw(RoundResult result)
    {
        var plots = new List<(string, byte[])>();
        var classes = ClassNames(result);
        if (result.Validation is { } validation)
        {
            var teacher = validation.Champion;
            var candidate = validation.Candidate;
            plots.Add((Recall, Charts.Png(candidate is null
                ? Charts.ClassShares("Recall per class on gold/validation", "recall", classes, new ChartSeries($"teacher {teacher.Model}", teacher.Recall, Charts.Teacher))
                : Charts.ClassShares("Recall per class on gold/validation", "recall", classes,
                    new ChartSeries($"teacher {teacher.Model}", teacher.Recall, Charts.Teacher), new ChartSeries($"candidate {candidate.Model}", candidate.Recall, Charts.Student)))));
            // Version names can be long; the title names the role and the legend of the other plots the versions.
            var (role, judged) = candidate is null ? ("teacher", teacher) : ("candidate", candidate);
            plots.Add((Confusion, Charts.Png(Charts.Confusion($"Confusion matrix of the {role} on gold/validation", judged.Confusion, classes), 760)));
            plots.Add((Reliability, Charts.Png(candidate is null
                ? Charts.Reliability("Reliability on gold/validation", Calibration("teacher", teacher, Charts.Teacher))
                : Charts.Reliability("Reliability on gold/validation", Calibration("teacher", teacher, Charts.Teacher), Calibration("candidate", candidate, Charts.Student)), 640)));
        }

        if (result.Thresholds.Count > 0)
        {
            var byClass = Enumerable.Range(0, classes.Count).Select(c => result.Thresholds.FirstOrDefault(t => t.ClassIndex == c)).ToArray();
            plots.Add((PseudoLabels, Charts.Png(Charts.ClassShares("Pseudo-label thresholds, measured on gold/validation", "share", classes,
                new ChartSeries("estimated precision", [.. byClass.Select(t => t?.EstimatedPrecision ?? 0)], Charts.Student),
                new ChartSeries("coverage", [.. byClass.Select(t => t?.Coverage ?? 0)], Charts.Neutral)))));
        }

        if (result.PhaseSeconds.Count > 0)
            plots.Add((Timings, Charts.Png(Charts.Timings($"Round {result.Round}: wall time per phase",
                [.. result.PhaseSeconds.Select(p => new TimingRow(p.Key, p.Value, "phase"))]), Charts.TimingsHeight(result.PhaseSeconds.Count))));
        return plots;
    }

    /// <summary>The class names the round recorded, or the class indices when a result predates them.</summary>
    public static IReadOnlyList<string> ClassNames(RoundResult result)
    {
        if (result.Classes.Count > 0) return result.Classes;
        var count = result.Validation?.Champion.Recall.Count ?? result.Pool?.PerClass.Count ?? result.Thresholds.Count;
        return [.. Enumerable.Range(0, count).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))];
    }

    private static CalibrationSeries Calibration(string role, ModelEvaluation model, ScottPlot.Color color) =>
        new($"{role} {model.Model}", model.Reliability, model.ExpectedCalibrationError, color);
}
