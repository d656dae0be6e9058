using System.Globalization;
using System.Text;
using SelfTrain.Reporting;

namespace SelfTrain.Demo.Report;

/// <summary>
/// One row of the ablation over several seeds: accuracy on gold/test as mean ± sample standard deviation, and the
/// paired difference from the row before (same seed) likewise; null where the row is the first.
/// </summary>
public sealed record AblationSummaryRow(string Step, string Adds, IReadOnlyList<double> Accuracies, double Mean, double StandardDeviation,
    double? GainMean, double? GainStandardDeviation);

/// <summary>The ablation of several demo runs that differ only in their seed: A, each step, the oracle.</summary>
public static class AblationTable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <exception cref="InvalidDataException">A report has no ablation, other steps, other settings or a seed already seen.</exception>
    public static IReadOnlyList<AblationSummaryRow> Of(IReadOnlyList<(string Path, DemoReport Report)> runs)
    {
        if (runs.Count == 0) throw new InvalidDataException("The ablation table needs at least one demo report.");
        var (firstPath, first) = runs[0];
        var steps = first.Ablation.Select(r => r.Step).ToArray();
        var seeds = new HashSet<int>();
        foreach (var (path, report) in runs)
        {
            if (report.Ablation.Count == 0) throw new InvalidDataException($"{path} has no ablation: run the demo with --ablation.");
            if (!report.Ablation.Select(r => r.Step).SequenceEqual(steps))
                throw new InvalidDataException($"{path} has other ablation steps than {firstPath}.");
            if (report.Settings with { Seed = 0, RoundId = "" } != first.Settings with { Seed = 0, RoundId = "" })
                throw new InvalidDataException($"{path} was run with other settings than {firstPath}; only the seed may differ.");
            if (!seeds.Add(report.Settings.Seed)) throw new InvalidDataException($"{path} repeats seed {report.Settings.Seed}.");
        }

        var rows = new List<(string Step, string Adds, double[] Accuracies)>
        {
            ("A", "the teacher", [.. runs.Select(r => r.Report.Teacher.Accuracy)]),
        };
        rows.AddRange(first.Ablation.Select((row, i) => (row.Step, row.Adds, runs.Select(r => r.Report.Ablation[i].Score.Accuracy).ToArray())));
        rows.Add(("oracle", "the pool's true labels", [.. runs.Select(r => r.Report.Oracle.Accuracy)]));

        return [.. rows.Select((row, i) =>
        {
            var (mean, sd) = Spread(row.Accuracies);
            // The oracle is a reference, not a step: it has no row before it.
            var gains = i is 0 || i == rows.Count - 1 ? null : row.Accuracies.Zip(rows[i - 1].Accuracies, (a, b) => a - b).ToArray();
            var gain = gains is null ? ((double, double)?)null : Spread(gains);
            return new AblationSummaryRow(row.Step, row.Adds, row.Accuracies, mean, sd, gain?.Item1, gain?.Item2);
        })];
    }

    public static string Markdown(IReadOnlyList<AblationSummaryRow> rows, IReadOnlyList<int> seeds)
    {
        var md = new StringBuilder();
        md.AppendLine(Inv, $"Accuracy on gold/test over seeds {string.Join(", ", seeds)}: mean ± sample standard deviation; the gain is the paired difference from the row before, seed by seed.").AppendLine();
        md.AppendLine("| Step | Adds | Accuracy | Per seed | Over the row before |");
        md.AppendLine("| --- | --- | ---: | ---: | ---: |");
        foreach (var row in rows)
        {
            var gain = row.GainMean is { } g ? $"{ReportText.Points(g)} ± {row.GainStandardDeviation * 100:0.00}" : "–";
            md.AppendLine(Inv, $"| {ReportText.Cell(row.Step)} | {ReportText.Cell(row.Adds)} | {row.Mean * 100:0.00}% ± {row.StandardDeviation * 100:0.00} | {string.Join(", ", row.Accuracies.Select(a => ReportText.Percent(a, "0.00")))} | {gain} |");
        }
        return md.ToString();
    }

    /// <summary>Mean and sample standard deviation (0 for a single value).</summary>
    private static (double Mean, double StandardDeviation) Spread(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        var variance = values.Count < 2 ? 0 : values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        return (mean, Math.Sqrt(variance));
    }
}
