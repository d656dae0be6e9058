using SelfTrain.Demo.Report;

namespace SelfTrain.Demo.Tests;

public sealed class AblationTableTests
{
    private static (string, DemoReport) Run(int seed, double naive, double thresholds, double full) =>
        ($"runs/{seed}/report.json", SampleReports.Report([]) with
        {
            Settings = SampleReports.Report([]).Settings with { Seed = seed, RoundId = $"round-{seed}" },
            Ablation =
            [
                new("naive copy", "copy", SampleReports.Score("naive", naive)),
                new("thresholds", "hard labels", SampleReports.Score("thresholds", thresholds)),
                new("+ gold", "the round's recipe", SampleReports.Score("B", full)),
            ],
        });

    [Fact]
    public void Each_row_has_its_mean_and_sample_deviation_over_seeds_and_its_paired_gain_over_the_row_before()
    {
        var rows = AblationTable.Of([Run(1, 0.85, 0.70, 0.87), Run(2, 0.86, 0.72, 0.87), Run(3, 0.87, 0.71, 0.88)]);

        Assert.Equal(["A", "naive copy", "thresholds", "+ gold", "oracle"], rows.Select(r => r.Step));
        var naive = rows[1];
        Assert.Equal(0.86, naive.Mean, 1e-12);
        Assert.Equal(0.01, naive.StandardDeviation, 1e-12);
        Assert.Equal(0.06, naive.GainMean!.Value, 1e-12); // over A's 0.80 in every seed
        Assert.Equal(0.01, naive.GainStandardDeviation!.Value, 1e-12);
        var gold = rows[3];
        Assert.Equal([0.17, 0.15, 0.17], gold.Accuracies.Zip(rows[2].Accuracies, (a, b) => Math.Round(a - b, 10)));
        Assert.Equal(0.49 / 3, gold.GainMean!.Value, 1e-12);
        Assert.Equal(Math.Sqrt(((0.17 - 0.49 / 3) * (0.17 - 0.49 / 3) * 2 + (0.15 - 0.49 / 3) * (0.15 - 0.49 / 3)) / 2), gold.GainStandardDeviation!.Value, 1e-12);
        Assert.Null(rows[0].GainMean);
        Assert.Null(rows[^1].GainMean);

        var markdown = AblationTable.Markdown(rows, [1, 2, 3]);
        Assert.Contains("| naive copy | copy | 86.00% ± 1.00 | 85.00%, 86.00%, 87.00% | +6.0 pt ± 1.00 |", markdown);
        Assert.Contains("| oracle | the pool's true labels | 90.00% ± 0.00 | 90.00%, 90.00%, 90.00% | – |", markdown);
    }

    [Fact]
    public void Runs_that_differ_in_more_than_their_seed_or_repeat_one_are_refused_by_name()
    {
        var (path, other) = Run(2, 0.86, 0.72, 0.87);
        var moreGold = (path, other with { Settings = other.Settings with { Gold = 200 } });
        var propagated = (path, other with { Settings = other.Settings with { Propagate = true } });
        var noAblation = ("runs/plain/report.json", SampleReports.Report([]));

        Assert.Contains("runs/2/report.json was run with other settings", Assert.Throws<InvalidDataException>(() => AblationTable.Of([Run(1, 0.85, 0.7, 0.87), moreGold])).Message);
        Assert.Contains("runs/2/report.json was run with other settings", Assert.Throws<InvalidDataException>(() => AblationTable.Of([Run(1, 0.85, 0.7, 0.87), propagated])).Message);
        Assert.Contains("runs/1/report.json repeats seed 1", Assert.Throws<InvalidDataException>(() => AblationTable.Of([Run(1, 0.85, 0.7, 0.87), Run(1, 0.85, 0.7, 0.87)])).Message);
        Assert.Contains("runs/plain/report.json has no ablation", Assert.Throws<InvalidDataException>(() => AblationTable.Of([noAblation])).Message);
    }
}
