using System.Globalization;
using System.Text;
using SelfTrain.Reporting;

namespace SelfTrain.Demo.Report;

/// <summary>Renders report.md from the report and the plot files written beside it.</summary>
public static class ReportMarkdown
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly Dictionary<string, string> PlotTitles = new()
    {
        ["accuracy.png"] = "Accuracy",
        ["per-class-recall.png"] = "Recall per class",
        ["confusion-teacher.png"] = "Confusion matrix of A",
        ["confusion-student.png"] = "Confusion matrix of B",
        ["pseudo-labels.png"] = "Pseudo-labels",
        ["reliability.png"] = "Calibration",
        ["timings.png"] = "Timings",
    };

    public static string Render(DemoReport report, IReadOnlyList<string> plots)
    {
        var md = new StringBuilder();
        var s = report.Settings;
        md.AppendLine("# SelfTrain demo report").AppendLine();
        md.AppendLine(Inv, $"Created {report.CreatedAt.ToUniversalTime():yyyy-MM-dd HH:mm} UTC.").AppendLine();
        md.AppendLine(Inv, $"Settings: gold {s.Gold} images, pool {s.Pool}, validation {s.Validation}, test {s.Test}; {s.Rounds} {Plural(s.Rounds, "round")}, {s.Epochs} {Plural(s.Epochs, "epoch")}, seed {s.Seed}, round `{s.RoundId}`.").AppendLine();

        md.AppendLine("## Answer").AppendLine();
        md.AppendLine(Answer(report)).AppendLine();
        md.AppendLine(Inv, $"For reference, with the same trainer and budget: a student copying A's labels (naive) reached {ReportText.Percent(report.Naive.Accuracy)}, one trained on the pool's true labels (oracle) {ReportText.Percent(report.Oracle.Accuracy)}.").AppendLine();
        md.AppendLine(report.Promoted ? $"B ({ReportText.Cell(report.Student.Version)}) serves now." : "No student was promoted: A serves on.");
        if (report.GateReasons.Count > 0)
        {
            md.AppendLine().AppendLine(report.Rounds.Count > 1 ? "The last round's gate reasons:" : "The gate's reasons:").AppendLine();
            foreach (var reason in report.GateReasons)
            {
                md.AppendLine(Inv, $"- {reason}");
            }
        }

        md.AppendLine().AppendLine("## Models on gold/test").AppendLine();
        md.AppendLine("| Model | Version | Recipe | Accuracy (95% CI) | Macro-F1 | ECE | ONNX (MB) | Images/s |");
        md.AppendLine("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (name, m) in new[] { ("A (teacher)", report.Teacher), ("B (student)", report.Student), ("naive copy", report.Naive), ("oracle (true labels)", report.Oracle) })
        {
            md.AppendLine(Inv, $"| {name} | {ReportText.Cell(m.Version)} | {ReportText.Cell(m.Recipe)} | {WithInterval(m)} | {m.MacroF1:0.000} | {m.ExpectedCalibrationError:0.000} | {m.OnnxBytes / 1e6:0.00} | {m.ImagesPerSecond:0} |");
        }

        if (report.Rounds.Count > 0)
        {
            md.AppendLine().AppendLine("## Rounds").AppendLine();
            md.AppendLine("Each round's candidate on gold/test; a promoted one teaches the next round.").AppendLine();
            md.AppendLine("| Model | Teacher | Gate | Accuracy (95% CI) | Over A | Over its teacher |");
            md.AppendLine("| --- | --- | --- | ---: | ---: | ---: |");
            md.AppendLine(Inv, $"| A | – | served first | {WithInterval(report.Teacher)} | – | – |");
            var accuracyOf = new Dictionary<string, double> { [report.Teacher.Version] = report.Teacher.Accuracy };
            foreach (var r in report.Rounds)
            {
                accuracyOf[r.Score.Version] = r.Score.Accuracy;
                var overTeacher = accuracyOf.TryGetValue(r.Teacher, out var t) ? ReportText.Points(r.Score.Accuracy - t) : "–";
                md.AppendLine(Inv, $"| B{r.Round} | {ReportText.Cell(r.Teacher)} | {(r.Promoted ? "promoted" : "kept out")} | {WithInterval(r.Score)} | {ReportText.Points(r.Score.Accuracy - report.Teacher.Accuracy)} | {overTeacher} |");
            }
            md.AppendLine(Inv, $"| naive | A | – | {ReportText.Percent(report.Naive.Accuracy)} | {ReportText.Points(report.Naive.Accuracy - report.Teacher.Accuracy)} | – |");
            md.AppendLine(Inv, $"| oracle | true labels | – | {ReportText.Percent(report.Oracle.Accuracy)} | {ReportText.Points(report.Oracle.Accuracy - report.Teacher.Accuracy)} | – |");
        }

        if (report.Ablation.Count > 0)
        {
            md.AppendLine().AppendLine("## Ablation").AppendLine();
            md.AppendLine("What each step of the recipe buys: every row adds its technique to the row before, trained by the same trainer, for the same epochs and with the same seed, on the same pseudo-labels (round 1's shards); the last step is round 1's candidate. One seed: `./scripts/ablation.sh` gives the spread over several.").AppendLine();
            md.AppendLine("| Step | Adds | Accuracy (95% CI) | Over the row before | Lowest class recall |");
            md.AppendLine("| --- | --- | ---: | ---: | ---: |");
            md.AppendLine(Inv, $"| A | the teacher | {WithInterval(report.Teacher)} | – | {LowestRecall(report, report.Teacher)} |");
            var before = report.Teacher.Accuracy;
            foreach (var row in report.Ablation)
            {
                var m = row.Score;
                md.AppendLine(Inv, $"| {ReportText.Cell(row.Step)} | {ReportText.Cell(row.Adds)} | {WithInterval(m)} | {ReportText.Points(m.Accuracy - before)} | {LowestRecall(report, m)} |");
                before = m.Accuracy;
            }
            md.AppendLine(Inv, $"| oracle | the pool's true labels | {WithInterval(report.Oracle)} | – | {LowestRecall(report, report.Oracle)} |");
        }

        if (report.PseudoLabels.Count > 0)
        {
            md.AppendLine().AppendLine("## Per class").AppendLine();
            md.AppendLine(Inv, $"Pseudo-labels of the last round, scored against the pool's true labels; target precision {ReportText.Percent(report.TargetPrecision)}.").AppendLine();
            md.AppendLine("| Class | Recall A | Recall B | Threshold | Estimated precision | Measured precision | Coverage | Accepted |");
            md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            var classes = report.Classes.ToList();
            foreach (var c in report.PseudoLabels)
            {
                int i = classes.IndexOf(c.Class);
                md.AppendLine(Inv, $"| {ReportText.Cell(c.Class)} | {Recall(report.Teacher, i)} | {Recall(report.Student, i)} | {c.Threshold:0.000} | {ReportText.Percent(c.EstimatedPrecision)} | {ReportText.Percent(c.Precision)} | {ReportText.Percent(c.Coverage)} | {c.Accepted} of {c.Predicted} |");
            }
        }

        if (report.PropagatedPseudoLabels.Count == report.PseudoLabels.Count && report.PropagatedPseudoLabels.Count > 0)
        {
            md.AppendLine().AppendLine("## Label propagation").AppendLine();
            md.AppendLine("The last round's pseudo-labels by the propagated scores (what its shards took), beside those A's confidence alone would have given, both at their own thresholds calibrated on gold/validation and scored against the pool's true labels.").AppendLine();
            md.AppendLine("| Class | Coverage, teacher alone | Measured precision, teacher alone | Coverage, propagated | Measured precision, propagated | Accepted, propagated |");
            md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
            foreach (var (alone, propagated) in report.PseudoLabels.Zip(report.PropagatedPseudoLabels))
                md.AppendLine(Inv, $"| {ReportText.Cell(alone.Class)} | {ReportText.Percent(alone.Coverage)} | {Precision(alone)} | {ReportText.Percent(propagated.Coverage)} | {Precision(propagated)} | {propagated.Accepted} of {propagated.Predicted} |");
            var (teacherAccepted, propagatedAccepted) = (report.PseudoLabels.Sum(c => c.Accepted), report.PropagatedPseudoLabels.Sum(c => c.Accepted));
            md.AppendLine(Inv, $"| all | {teacherAccepted} accepted | {ReportText.Percent(report.PseudoLabels.Sum(c => c.Correct) / (double)Math.Max(1, teacherAccepted))} | {propagatedAccepted} accepted | {ReportText.Percent(report.PropagatedPseudoLabels.Sum(c => c.Correct) / (double)Math.Max(1, propagatedAccepted))} | |");
            static string Precision(PseudoLabelClass c) => c.Accepted == 0 ? "—" : ReportText.Percent(c.Precision);
        }

        var timings = report.Steps.Select(t => (t.Name, t.Seconds)).Concat(report.RoundPhases.Select(t => ($"round: {t.Name}", t.Seconds))).ToList();
        if (timings.Count > 0)
        {
            md.AppendLine().AppendLine("## Timings").AppendLine();
            md.AppendLine("| Step | Seconds |");
            md.AppendLine("| --- | ---: |");
            foreach (var (name, seconds) in timings)
            {
                md.AppendLine(Inv, $"| {ReportText.Cell(name)} | {seconds:0.0} |");
            }
        }

        if (report.PredictCalls.Count > 0)
        {
            md.AppendLine().AppendLine("## Predict calls").AppendLine();
            md.AppendLine("| Image | True label | Predicted | Confidence | Model |");
            md.AppendLine("| --- | --- | --- | ---: | --- |");
            foreach (var p in report.PredictCalls)
            {
                md.AppendLine(Inv, $"| {ReportText.Cell(p.Image)} | {ReportText.Cell(p.TrueLabel)} | {ReportText.Cell(p.Label)} | {p.Confidence:0.000} | {ReportText.Cell(p.Model)} |");
            }
        }

        if (plots.Count > 0)
        {
            md.AppendLine().AppendLine("## Plots");
            foreach (var plot in plots)
            {
                md.AppendLine().AppendLine(Inv, $"### {PlotTitles.GetValueOrDefault(plot, Path.GetFileNameWithoutExtension(plot))}").AppendLine();
                md.AppendLine(Inv, $"![{Path.GetFileNameWithoutExtension(plot)}]({plot})");
            }
        }

        return md.ToString();
    }

    private static string Answer(DemoReport report)
    {
        double a = report.Teacher.Accuracy;
        double b = report.Student.Accuracy;
        var test = report.StudentVersusTeacher;
        string verdict = (b > a, test.PValue < 0.05) switch
        {
            (true, true) => "Yes, B beat A",
            (true, false) => "B scored higher than A, but not significantly",
            _ => "No, B did not beat A",
        };
        return string.Create(Inv, $"**{verdict}.** Accuracy on gold/test: A {ReportText.Percent(a)}, B {ReportText.Percent(b)} ({(b - a) * 100:+0.0;-0.0;0.0} points). McNemar's exact test: p = {PValue(test.PValue)} ({test.FirstOnly} images only A got right, {test.SecondOnly} only B).");
    }

    private static string Recall(ModelScore model, int index) =>
        index >= 0 && index < model.Recall.Count ? ReportText.Percent(model.Recall[index]) : "–";

    /// <summary>Accuracy on gold/test with its 95% interval, e.g. "87.0% (86.0%–87.9%)".</summary>
    private static string WithInterval(ModelScore m) =>
        $"{ReportText.Percent(m.Accuracy)} ({ReportText.Percent(m.AccuracyLow95)}–{ReportText.Percent(m.AccuracyHigh95)})";

    private static string LowestRecall(DemoReport report, ModelScore model)
    {
        var classes = Math.Min(model.Recall.Count, report.Classes.Count);
        if (classes == 0) return "–";
        var lowest = Enumerable.Range(0, classes).MinBy(i => model.Recall[i]);
        return $"{ReportText.Cell(report.Classes[lowest])} {ReportText.Percent(model.Recall[lowest])}";
    }

    private static string PValue(double p) => p >= 0.001 ? p.ToString("0.000", Inv) : p.ToString("0.0e-0", Inv);

    private static string Plural(int count, string word) => count == 1 ? word : word + "s";
}
