using System.Globalization;
using ScottPlot;

namespace SelfTrain.Reporting;

/// <summary>
/// The charts SelfTrain draws — per-class bars, a confusion matrix, a reliability diagram, timing bars — in one
/// style, each returned as a <see cref="Plot"/> for the caller to add to and then encode with <see cref="Png"/>.
/// </summary>
public static class Charts
{
    public const int Width = 900;
    public const int Height = 520;
    public const float FontSize = 15;

    public static readonly Color Teacher = Color.FromHex("#1f77b4");
    public static readonly Color Student = Color.FromHex("#ff7f0e");
    public static readonly Color Neutral = Color.FromHex("#7f7f7f");
    public static readonly Color Good = Color.FromHex("#2ca02c");

    static Charts()
    {
        // ScottPlot's own choice on Linux can be a serif face; prefer an installed sans-serif one.
        string[] sans = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica"];
        var installed = SkiaSharp.SKFontManager.Default.FontFamilies.ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (sans.FirstOrDefault(installed.Contains) is { } font)
            Fonts.Default = font;
    }

    public static Plot NewPlot(string title, string xLabel, string yLabel)
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

    /// <summary>Shares between 0 and 1 per class, one bar per series side by side in each class's slot.</summary>
    public static Plot ClassShares(string title, string yLabel, IReadOnlyList<string> classes, params ChartSeries[] series)
    {
        var plot = NewPlot(title, "", yLabel);
        double width = 0.8 / series.Length;
        foreach (var (s, k) in series.Select((s, k) => (s, k)))
        {
            double offset = (k - (series.Length - 1) / 2.0) * width;
            var bars = plot.Add.Bars(Enumerable.Range(0, classes.Count).Select(i => new Bar
            {
                Position = i + offset,
                Value = i < s.Values.Count ? s.Values[i] : 0,
                FillColor = s.Color,
                Size = width * 0.95,
            }).ToArray());
            bars.LegendText = s.Name;
        }

        ClassTicks(plot.Axes.Bottom, classes);
        plot.Axes.SetLimits(-0.6, classes.Count - 0.4, 0, 1.02);
        plot.Axes.Left.TickGenerator = PercentTicks();
        plot.ShowLegend(Edge.Top);
        return plot;
    }

    /// <summary>Rows are true classes, columns predicted ones; each cell shaded by its share of the row, labelled with its count.</summary>
    public static Plot Confusion(string title, long[][] confusion, IReadOnlyList<string> classes)
    {
        int n = classes.Count;
        var shares = new double[n, n];
        for (int t = 0; t < n; t++)
        {
            double total = confusion[t].Sum();
            for (int p = 0; p < n; p++)
                shares[t, p] = total == 0 ? 0 : confusion[t][p] / total;
        }

        var plot = NewPlot(title, "predicted class", "true class");
        var heatmap = plot.Add.Heatmap(shares);
        heatmap.Colormap = new ScottPlot.Colormaps.Blues().Reversed();
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        // Position names the centres of the corner cells; row 0 is drawn at the top, so true class i sits at y = n - 1 - i.
        heatmap.Position = new CoordinateRect(0, n - 1, 0, n - 1);

        // Counts are legible up to about twenty classes; beyond that the shading alone says it.
        if (n <= 20)
        {
            for (int t = 0; t < n; t++)
            for (int p = 0; p < n; p++)
            {
                var count = plot.Add.Text(confusion[t][p].ToString(CultureInfo.InvariantCulture), p, n - 1 - t);
                count.LabelAlignment = Alignment.MiddleCenter;
                count.LabelFontSize = 13;
                count.LabelFontColor = shares[t, p] > 0.5 ? Colors.White : Colors.Black;
            }
        }

        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = "share of the true class";
        bar.LabelStyle.FontSize = FontSize;
        bar.Axis.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(0.1) { LabelFormatter = v => ReportText.Percent(v, "0") };
        ClassTicks(plot.Axes.Bottom, classes);
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, n).Select(i => (double)(n - 1 - i))], [.. classes]);
        plot.Axes.Left.TickLabelStyle.FontSize = FontSize;
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        return plot;
    }

    /// <summary>Accuracy against mean confidence per confidence bin, with the diagonal of perfect calibration.</summary>
    public static Plot Reliability(string title, params CalibrationSeries[] models)
    {
        var plot = NewPlot(title, "mean confidence", "accuracy");
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LegendText = "perfect calibration";
        diagonal.LineColor = Colors.Gray;
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LineWidth = 1.5f;

        foreach (var model in models)
        {
            var bins = model.Bins.Where(b => b.Count > 0).ToList();
            var line = plot.Add.Scatter(bins.Select(b => b.MeanConfidence).ToArray(), bins.Select(b => b.Accuracy).ToArray(), model.Color);
            line.LegendText = $"{model.Name}, ECE {model.ExpectedCalibrationError.ToString("0.000", CultureInfo.InvariantCulture)}";
            line.LineWidth = 2;
            line.MarkerSize = 8;
        }

        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(0.1);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(0.1);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    /// <summary>One horizontal bar per row, first row at the top, coloured by group, each labelled with its seconds.</summary>
    public static Plot Timings(string title, IReadOnlyList<TimingRow> rows)
    {
        var plot = NewPlot(title, "seconds", "");
        Color[] palette = [Teacher, Student, Good, Neutral];
        foreach (var (group, g) in rows.Select(r => r.Group).Distinct().Select((group, g) => (group, g)))
        {
            var bars = rows.Select((r, i) => (r, i)).Where(x => x.r.Group == group).Select(x => new Bar
            {
                Position = rows.Count - 1 - x.i,
                Value = x.r.Seconds,
                FillColor = palette[g % palette.Length],
                Size = 0.7,
                Label = x.r.Seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s",
            }).ToArray();
            var series = plot.Add.Bars(bars);
            series.Horizontal = true;
            series.LegendText = group;
            series.ValueLabelStyle.FontSize = 13;
        }

        plot.Axes.Left.SetTicks([.. rows.Select((_, i) => (double)(rows.Count - 1 - i))], [.. rows.Select(r => r.Name)]);
        // Room right of the longest bar for its value label.
        plot.Axes.SetLimits(0, Math.Max(rows.Count == 0 ? 0 : rows.Max(r => r.Seconds), 1e-3) * 1.15, -0.6, rows.Count - 0.4);
        plot.ShowLegend(Edge.Top);
        return plot;
    }

    /// <summary>A height that fits <paramref name="rows"/> timing bars.</summary>
    public static int TimingsHeight(int rows) => Math.Max(Height, 120 + 28 * rows);

    public static ScottPlot.TickGenerators.NumericAutomatic PercentTicks() => new() { LabelFormatter = v => ReportText.Percent(v, "0") };

    /// <summary>Encodes the plot as PNG and disposes it.</summary>
    public static byte[] Png(Plot plot, int height = Height)
    {
        using (plot)
            return plot.GetImageBytes(Width, height, ImageFormat.Png);
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
}
