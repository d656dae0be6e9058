using ScottPlot;
using SelfTrain.Reporting;

namespace SelfTrain.Demo.Report;

/// <summary>Draws the report's plots as PNG files, in the style of <see cref="Charts"/>.</summary>
public static class ReportPlots
{
    /// <summary>Writes the plots into <paramref name="directory"/> and returns their file names.</summary>
    public static IReadOnlyList<string> Write(DemoReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>
        {
            Save(Accuracy(report), directory, "accuracy.png"),
            Save(PerClassRecall(report), directory, "per-class-recall.png"),
            Save(Confusion(report.Teacher, "A (teacher)", report.Classes), directory, "confusion-teacher.png", 760),
            Save(Confusion(report.Student, "B (student)", report.Classes), directory, "confusion-student.png", 760),
        };
        if (report.PseudoLabels.Count > 0)
        {
            written.Add(Save(PseudoLabels(report), directory, "pseudo-labels.png"));
        }

        written.Add(Save(Reliability(report), directory, "reliability.png", 640));
        int timings = report.Steps.Count + report.RoundPhases.Count;
        if (timings > 0)
        {
            written.Add(Save(Timings(report), directory, "timings.png", Charts.TimingsHeight(timings)));
        }

        return written;
    }

    private static Plot Accuracy(DemoReport report)
    {
        (string Name, ModelScore Score, Color Color)[] models =
        [
            ("A (teacher)", report.Teacher, Charts.Teacher),
            ("B (student)", report.Student, Charts.Student),
            ("Naive", report.Naive, Charts.Neutral),
            ("Oracle", report.Oracle, Charts.Good),
        ];

        var plot = Charts.NewPlot($"Accuracy on gold/test ({report.Settings.Test} images)", "", "accuracy");
        plot.Add.Bars(models.Select((m, i) => new Bar { Position = i, Value = m.Score.Accuracy, FillColor = m.Color, Size = 0.6 }).ToArray());

        double[] xs = [.. Enumerable.Range(0, models.Length).Select(i => (double)i)];
        double[] none = new double[models.Length];
        var interval = new ScottPlot.Plottables.ErrorBar(
            xs,
            [.. models.Select(m => m.Score.Accuracy)],
            none,
            none,
            [.. models.Select(m => m.Score.AccuracyHigh95 - m.Score.Accuracy)],
            [.. models.Select(m => m.Score.Accuracy - m.Score.AccuracyLow95)]);
        interval.LegendText = "95% confidence interval";
        interval.LineWidth = 2;
        interval.CapSize = 12;
        interval.Color = Colors.Black;
        plot.Add.Plottable(interval);

        for (int i = 0; i < models.Length; i++)
        {
            // Above the interval's cap, so the label never sits on the error bar.
            var label = plot.Add.Text(ReportText.Percent(models[i].Score.Accuracy), i, models[i].Score.AccuracyHigh95);
            label.LabelAlignment = Alignment.LowerCenter;
            label.LabelFontSize = Charts.FontSize;
            label.LabelBold = true;
            label.OffsetY = -4;
        }

        plot.Axes.Bottom.SetTicks(xs, [.. models.Select(m => m.Name)]);
        double low = Math.Max(0, models.Min(m => m.Score.AccuracyLow95) - 0.05);
        double high = Math.Min(1, models.Max(m => m.Score.AccuracyHigh95) + 0.03);
        plot.Axes.SetLimits(-0.6, models.Length - 0.4, low, Math.Max(high, low + 0.05));
        plot.Axes.Left.TickGenerator = Charts.PercentTicks();
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    private static Plot PerClassRecall(DemoReport report) =>
        Charts.ClassShares("Recall per class on gold/test", "recall", report.Classes,
            new ChartSeries("A (teacher)", report.Teacher.Recall, Charts.Teacher), new ChartSeries("B (student)", report.Student.Recall, Charts.Student));

    private static Plot Confusion(ModelScore model, string name, IReadOnlyList<string> classes) =>
        Charts.Confusion($"Confusion matrix of {name} on gold/test", model.Confusion, classes);

    private static Plot PseudoLabels(DemoReport report)
    {
        var plot = Charts.ClassShares("Accepted pseudo-labels of the last round", "share", [.. report.PseudoLabels.Select(c => c.Class)],
            new ChartSeries("precision", [.. report.PseudoLabels.Select(c => c.Precision)], Charts.Student),
            new ChartSeries("coverage", [.. report.PseudoLabels.Select(c => c.Coverage)], Charts.Neutral));
        var target = plot.Add.HorizontalLine(report.TargetPrecision, 2, Colors.Red, LinePattern.Dashed);
        target.LegendText = $"target precision ({ReportText.Percent(report.TargetPrecision)})";
        return plot;
    }

    private static Plot Reliability(DemoReport report) => Charts.Reliability("Reliability on gold/test",
        new CalibrationSeries("A (teacher)", report.Teacher.Reliability, report.Teacher.ExpectedCalibrationError, Charts.Teacher),
        new CalibrationSeries("B (student)", report.Student.Reliability, report.Student.ExpectedCalibrationError, Charts.Student));

    private static Plot Timings(DemoReport report) => Charts.Timings("Wall time",
        [.. report.Steps.Select(s => new TimingRow(s.Name, s.Seconds, "demo step")),
         .. report.RoundPhases.Select(p => new TimingRow($"round: {p.Name}", p.Seconds, "round phase"))]);

    private static string Save(Plot plot, string directory, string file, int height = Charts.Height)
    {
        File.WriteAllBytes(Path.Combine(directory, file), Charts.Png(plot, height));
        return file;
    }
}
