using System.Globalization;
using ScottPlot;
using SelfTrain.Core.Evaluation;

namespace SelfTrain.Demo.Report;

/// <summary>Draws the report's plots as PNG files.</summary>
public static class ReportPlots
{
    private const int Width = 900;
    private const int Height = 520;
    private const float FontSize = 15;

    private static readonly Color TeacherColor = Color.FromHex("#1f77b4");
    private static readonly Color StudentColor = Color.FromHex("#ff7f0e");
    private static readonly Color NaiveColor = Color.FromHex("#7f7f7f");
    private static readonly Color OracleColor = Color.FromHex("#2ca02c");

    static ReportPlots()
    {
        // ScottPlot's own choice on Linux can be a serif face; prefer an installed sans-serif one.
        string[] sans = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica"];
        var installed = SkiaSharp.SKFontManager.Default.FontFamilies.ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (sans.FirstOrDefault(installed.Contains) is { } font)
        {
            Fonts.Default = font;
        }
    }

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
            written.Add(Save(Timings(report), directory, "timings.png", Math.Max(Height, 120 + 28 * timings)));
        }

        return written;
    }

    private static Plot Accuracy(DemoReport report)
    {
        (string Name, ModelScore Score, Color Color)[] models =
        [
            ("A (teacher)", report.Teacher, TeacherColor),
            ("B (student)", report.Student, StudentColor),
            ("Naive", report.Naive, NaiveColor),
            ("Oracle", report.Oracle, OracleColor),
        ];

        var plot = NewPlot($"Accuracy on gold/test ({report.Settings.Test} images)", "", "accuracy");
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
            var label = plot.Add.Text(Percent(models[i].Score.Accuracy), i, models[i].Score.AccuracyHigh95);
            label.LabelAlignment = Alignment.LowerCenter;
            label.LabelFontSize = FontSize;
            label.LabelBold = true;
            label.OffsetY = -4;
        }

        plot.Axes.Bottom.SetTicks(xs, [.. models.Select(m => m.Name)]);
        double low = Math.Max(0, models.Min(m => m.Score.AccuracyLow95) - 0.05);
        double high = Math.Min(1, models.Max(m => m.Score.AccuracyHigh95) + 0.03);
        plot.Axes.SetLimits(-0.6, models.Length - 0.4, low, Math.Max(high, low + 0.05));
        plot.Axes.Left.TickGenerator = PercentTicks();
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    private static Plot PerClassRecall(DemoReport report)
    {
        var plot = NewPlot("Recall per class on gold/test", "", "recall");
        AddGroupedBars(plot, report.Classes.Count, ("A (teacher)", report.Teacher.Recall, TeacherColor), ("B (student)", report.Student.Recall, StudentColor));
        ClassTicks(plot.Axes.Bottom, report.Classes);
        plot.Axes.SetLimits(-0.6, report.Classes.Count - 0.4, 0, 1.02);
        plot.Axes.Left.TickGenerator = PercentTicks();
        plot.ShowLegend(Edge.Top);
        return plot;
    }

    private static Plot Confusion(ModelScore model, string name, IReadOnlyList<string> classes)
    {
        int n = classes.Count;
        var shares = new double[n, n];
        for (int t = 0; t < n; t++)
        {
            double total = model.Confusion[t].Sum();
            for (int p = 0; p < n; p++)
            {
                shares[t, p] = total == 0 ? 0 : model.Confusion[t][p] / total;
            }
        }

        var plot = NewPlot($"Confusion matrix of {name} on gold/test", "predicted class", "true class");
        var heatmap = plot.Add.Heatmap(shares);
        heatmap.Colormap = new ScottPlot.Colormaps.Blues().Reversed();
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        // Position names the centres of the corner cells; row 0 is drawn at the top, so true class i sits at y = n - 1 - i.
        heatmap.Position = new CoordinateRect(0, n - 1, 0, n - 1);

        for (int t = 0; t < n; t++)
        {
            for (int p = 0; p < n; p++)
            {
                var count = plot.Add.Text(model.Confusion[t][p].ToString(CultureInfo.InvariantCulture), p, n - 1 - t);
                count.LabelAlignment = Alignment.MiddleCenter;
                count.LabelFontSize = 13;
                count.LabelFontColor = shares[t, p] > 0.5 ? Colors.White : Colors.Black;
            }
        }

        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = "share of the true class";
        bar.LabelStyle.FontSize = FontSize;
        bar.Axis.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(0.1) { LabelFormatter = v => Percent(v, "0") };
        ClassTicks(plot.Axes.Bottom, classes);
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, n).Select(i => (double)(n - 1 - i))], [.. classes]);
        plot.Axes.Left.TickLabelStyle.FontSize = FontSize;
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        return plot;
    }

    private static Plot PseudoLabels(DemoReport report)
    {
        var classes = report.PseudoLabels.Select(c => c.Class).ToList();
        var plot = NewPlot("Accepted pseudo-labels of the last round", "", "share");
        AddGroupedBars(
            plot,
            classes.Count,
            ("precision", [.. report.PseudoLabels.Select(c => c.Precision)], StudentColor),
            ("coverage", [.. report.PseudoLabels.Select(c => c.Coverage)], NaiveColor));

        var target = plot.Add.HorizontalLine(report.TargetPrecision, 2, Colors.Red, LinePattern.Dashed);
        target.LegendText = $"target precision ({Percent(report.TargetPrecision)})";

        ClassTicks(plot.Axes.Bottom, classes);
        plot.Axes.SetLimits(-0.6, classes.Count - 0.4, 0, 1.02);
        plot.Axes.Left.TickGenerator = PercentTicks();
        plot.ShowLegend(Edge.Top);
        return plot;
    }

    private static Plot Reliability(DemoReport report)
    {
        var plot = NewPlot("Reliability on gold/test", "mean confidence", "accuracy");
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LegendText = "perfect calibration";
        diagonal.LineColor = Colors.Gray;
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LineWidth = 1.5f;

        foreach (var (name, model, color) in new[] { ("A (teacher)", report.Teacher, TeacherColor), ("B (student)", report.Student, StudentColor) })
        {
            var bins = model.Reliability.Where(b => b.Count > 0).ToList();
            var line = plot.Add.Scatter(bins.Select(b => b.MeanConfidence).ToArray(), bins.Select(b => b.Accuracy).ToArray(), color);
            line.LegendText = $"{name}, ECE {model.ExpectedCalibrationError.ToString("0.000", CultureInfo.InvariantCulture)}";
            line.LineWidth = 2;
            line.MarkerSize = 8;
        }

        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(0.1);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(0.1);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    private static Plot Timings(DemoReport report)
    {
        var rows = report.Steps.Select(s => (Name: s.Name, s.Seconds, Round: false))
            .Concat(report.RoundPhases.Select(p => (Name: $"round: {p.Name}", p.Seconds, Round: true)))
            .ToList();

        var plot = NewPlot("Wall time", "seconds", "");
        foreach (var (label, round, color) in new[] { ("demo step", false, TeacherColor), ("round phase", true, StudentColor) })
        {
            var bars = rows.Select((r, i) => (r, i)).Where(x => x.r.Round == round).Select(x => new Bar
            {
                // First row at the top.
                Position = rows.Count - 1 - x.i,
                Value = x.r.Seconds,
                FillColor = color,
                Size = 0.7,
                Label = x.r.Seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s",
            }).ToArray();
            if (bars.Length == 0)
            {
                continue;
            }

            var series = plot.Add.Bars(bars);
            series.Horizontal = true;
            series.LegendText = label;
            series.ValueLabelStyle.FontSize = 13;
        }

        plot.Axes.Left.SetTicks([.. rows.Select((_, i) => (double)(rows.Count - 1 - i))], [.. rows.Select(r => r.Name)]);
        // Room right of the longest bar for its value label.
        plot.Axes.SetLimits(0, Math.Max(rows.Max(r => r.Seconds), 1e-3) * 1.15, -0.6, rows.Count - 0.4);
        plot.ShowLegend(Edge.Top);
        return plot;
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title, FontSize + 3);
        plot.XLabel(xLabel, FontSize);
        plot.YLabel(yLabel, FontSize);
        plot.Axes.Bottom.TickLabelStyle.FontSize = FontSize - 1;
        plot.Axes.Left.TickLabelStyle.FontSize = FontSize - 1;
        plot.Legend.FontSize = FontSize - 1;
        return plot;
    }

    private static void AddGroupedBars(Plot plot, int groups, params (string Name, IReadOnlyList<double> Values, Color Color)[] series)
    {
        double width = 0.8 / series.Length;
        foreach (var (s, k) in series.Select((s, k) => (s, k)))
        {
            double offset = (k - (series.Length - 1) / 2.0) * width;
            var bars = plot.Add.Bars(Enumerable.Range(0, groups).Select(i => new Bar
            {
                Position = i + offset,
                Value = i < s.Values.Count ? s.Values[i] : 0,
                FillColor = s.Color,
                Size = width * 0.95,
            }).ToArray());
            bars.LegendText = s.Name;
        }
    }

    private static void ClassTicks(IXAxis axis, IReadOnlyList<string> classes)
    {
        axis.SetTicks([.. Enumerable.Range(0, classes.Count).Select(i => (double)i)], [.. classes]);
        // Ten class names do not fit side by side at this width.
        axis.TickLabelStyle.Rotation = -30;
        axis.TickLabelStyle.Alignment = Alignment.UpperRight;
        axis.TickLabelStyle.FontSize = FontSize - 1;
        axis.MinimumSize = 90;
    }

    private static ScottPlot.TickGenerators.NumericAutomatic PercentTicks() =>
        new() { LabelFormatter = v => Percent(v, "0") };

    private static string Percent(double value, string format = "0.0") =>
        (value * 100).ToString(format, CultureInfo.InvariantCulture) + "%";

    private static string Save(Plot plot, string directory, string file, int height = Height)
    {
        using (plot)
        {
            plot.SavePng(Path.Combine(directory, file), Width, height);
        }

        return file;
    }
}
