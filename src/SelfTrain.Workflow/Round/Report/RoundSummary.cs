using System.Globalization;
using SelfTrain.Core.Evaluation;
using SelfTrain.Reporting;

namespace SelfTrain.Workflow.Round.Report;

/// <summary>One class's line of a round's summary, formatted for people.</summary>
public sealed record RoundClassLine(string Class, string Threshold, string EstimatedPrecision, string Coverage, string PseudoLabels,
    string TeacherRecall, string CandidateRecall, string Change);

/// <summary>What a finished round says in words: its headline and its per-class lines, for the report and the dashboard alike.</summary>
public static class RoundSummary
{
    public static string Headline(RoundResult result)
    {
        var gate = result.Validation?.Decision;
        var figures = gate is null ? ""
            : string.Create(CultureInfo.InvariantCulture, $" (accuracy {gate.AccuracyGain * 100:+0.00;-0.00} points on gold/validation, McNemar p = {gate.PValue:G3})");
        var kept = result.Champion is { Length: > 0 } champion ? champion : result.Teacher;
        return result.Promoted
            ? $"Promoted {result.Candidate} over {result.Teacher}{figures}."
            : $"Kept {kept}; candidate {result.Candidate ?? "none"} was not promoted{figures}.";
    }

    /// <summary>Who judged the pool: the teacher, and its second opinion when there was one.</summary>
    public static string Teachers(RoundResult result) =>
        result.SecondOpinion is { } second ? $"{result.Teacher} (with {second})" : result.Teacher;

    public static IReadOnlyList<RoundClassLine> PerClass(RoundResult result)
    {
        var classes = RoundPlots.ClassNames(result);
        var teacher = result.Validation?.Champion;
        var candidate = result.Validation?.Candidate;
        return [.. Enumerable.Range(0, classes.Count).Select(c =>
        {
            // The thresholds the pool's pseudo-labels were accepted by: the propagated scores' when the round propagated.
            var threshold = (result.Propagation?.Thresholds ?? result.Thresholds).FirstOrDefault(t => t.ClassIndex == c);
            double? before = teacher is not null && c < teacher.Recall.Count ? teacher.Recall[c] : null;
            double? after = candidate is not null && c < candidate.Recall.Count ? candidate.Recall[c] : null;
            return new RoundClassLine(
                classes[c],
                threshold is null ? "—" : threshold.Threshold >= ConfidenceThresholds.Never ? "none reach it" : threshold.Threshold.ToString("0.000", CultureInfo.InvariantCulture),
                threshold is null ? "" : ReportText.Percent(threshold.EstimatedPrecision),
                threshold is null ? "" : ReportText.Percent(threshold.Coverage),
                result.Pool is { } pool && c < pool.PerClass.Count ? pool.PerClass[c].ToString("N0", CultureInfo.InvariantCulture) : "",
                before is { } b ? ReportText.Percent(b) : "",
                after is { } a ? ReportText.Percent(a) : "",
                before is { } x && after is { } y ? ReportText.Points(y - x) : "");
        })];
    }
}
