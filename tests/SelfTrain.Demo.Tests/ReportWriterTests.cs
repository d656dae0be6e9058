using System.Text.Json;
using SelfTrain.Core.Evaluation;
using SelfTrain.Demo.Report;

namespace SelfTrain.Demo.Tests;

public sealed class ReportWriterTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G'];
    private readonly string _directory = Directory.CreateTempSubdirectory("selftrain-report-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Writes_the_json_the_plots_and_a_markdown_report_that_links_them()
    {
        var markdown = await ReportWriter.WriteAsync(SampleReports.Report([new("a", 0.9, 0.95, 100, 60, 57), new("b", 0.8, 0.96, 90, 80, 77), new("c", 1.01, 0, 110, 0, 0)]),
            _directory, CancellationToken.None);

        var text = await File.ReadAllTextAsync(markdown);
        Assert.Contains("Yes, B beat A", text);
        Assert.Contains("80.0%", text);
        Assert.Contains("86.0%", text);
        string[] plots = ["accuracy.png", "per-class-recall.png", "confusion-teacher.png", "confusion-student.png", "pseudo-labels.png", "reliability.png", "timings.png"];
        foreach (var plot in plots)
        {
            Assert.Contains($"({plot})", text);
            var bytes = await File.ReadAllBytesAsync(Path.Combine(_directory, plot));
            Assert.True(bytes.Length > 5_000 && bytes.AsSpan(0, 4).SequenceEqual(PngSignature), $"{plot} is not a drawn PNG");
        }
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_directory, "report.json")));
        Assert.Equal(0.86, json.RootElement.GetProperty("student").GetProperty("accuracy").GetDouble());
        Assert.Equal(3, json.RootElement.GetProperty("pseudoLabels").GetArrayLength());
    }

    [Fact]
    public async Task A_round_without_pseudo_labels_gets_no_pseudo_label_plot_and_a_student_that_lost_says_so()
    {
        var report = SampleReports.Report([]) with { Student = SampleReports.Score("B", 0.78), StudentVersusTeacher = new PairedTest(40, 30, 0.28), Promoted = false };

        var text = await File.ReadAllTextAsync(await ReportWriter.WriteAsync(report, _directory, CancellationToken.None));

        Assert.False(File.Exists(Path.Combine(_directory, "pseudo-labels.png")));
        Assert.DoesNotContain("pseudo-labels.png", text);
        Assert.Contains("No, B did not beat A", text);
        Assert.Contains("No student was promoted: A serves on.", text);
    }

    [Fact]
    public async Task Each_round_has_its_line_measured_against_A_and_against_its_own_teacher()
    {
        var b1 = SampleReports.Score("B1", 0.865) with { Version = "student-r1" };
        var b2 = SampleReports.Score("B2", 0.868) with { Version = "student-r2" };
        var report = SampleReports.Report([]) with
        {
            Student = b1,
            Rounds = [new RoundScore(1, "A-v1", Promoted: true, b1), new RoundScore(2, "student-r1", Promoted: false, b2)],
        };

        var text = await File.ReadAllTextAsync(await ReportWriter.WriteAsync(report, _directory, CancellationToken.None));

        Assert.Contains("| B1 | A-v1 | promoted | 86.5% (84.5%–88.5%) | +6.5 pt | +6.5 pt |", text);
        Assert.Contains("| B2 | student-r1 | kept out | 86.8% (84.8%–88.8%) | +6.8 pt | +0.3 pt |", text);
        Assert.Contains("| naive | A | – | 82.0% | +2.0 pt | – |", text);
        Assert.Contains("B (student-r1) serves now.", text);
        Assert.Contains("The last round's gate reasons:", text);
    }

    [Fact]
    public async Task The_ablation_shows_each_step_with_its_gain_over_the_row_before_between_A_and_the_oracle()
    {
        var thresholds = SampleReports.Score("thresholds", 0.71) with { Recall = [0.9, 0.0, 0.95] };
        var report = SampleReports.Report([]) with
        {
            Ablation = [new("naive copy", "copy", SampleReports.Score("naive", 0.82)), new("thresholds", "hard | labels", thresholds), new("+ gold", "gold", SampleReports.Score("B", 0.86))],
        };

        var text = await File.ReadAllTextAsync(await ReportWriter.WriteAsync(report, _directory, CancellationToken.None));

        Assert.Contains("## Ablation", text);
        Assert.Contains("| A | the teacher | 80.0% (78.0%–82.0%) | – | a 80.0% |", text);
        Assert.Contains("| naive copy | copy | 82.0% (80.0%–84.0%) | +2.0 pt | a 80.0% |", text);
        Assert.Contains("| thresholds | hard \\| labels | 71.0% (69.0%–73.0%) | -11.0 pt | b 0.0% |", text);
        Assert.Contains("| + gold | gold | 86.0% (84.0%–88.0%) | +15.0 pt | a 80.0% |", text);
        Assert.Contains("| oracle | the pool's true labels | 90.0% (88.0%–92.0%) | – | a 80.0% |", text);
    }
}
