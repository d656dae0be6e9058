using System.Text.Json;
using SelfTrain.Core.Evaluation;
using SelfTrain.Demo.Report;

namespace SelfTrain.Demo.Tests;

public sealed class ReportWriterTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G'];
    private readonly string _directory = Directory.CreateTempSubdirectory("selftrain-report-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static ModelScore Score(string role, double accuracy)
    {
        var confusion = Enumerable.Range(0, 3).Select(t => Enumerable.Range(0, 3).Select(p => (long)(t == p ? 80 : 10)).ToArray()).ToArray();
        IReadOnlyList<ReliabilityBin> bins = [new(0.5, 0.75, 100, 0.7, 0.6), new(0.75, 1, 140, 0.9, 0.85)];
        return new ModelScore(role, $"{role}-v1", role == "A" ? "transfer learning" : "noisy-student", accuracy, accuracy - 0.02, accuracy + 0.02,
            accuracy - 0.01, 0.05, [0.8, 0.8, 0.8], confusion, bins, 1_500_000, 900);
    }

    private static DemoReport Report(IReadOnlyList<PseudoLabelClass> pseudoLabels) => new()
    {
        CreatedAt = DateTimeOffset.UnixEpoch,
        Settings = new DemoSettings(100, 300, 50, 50, 1, 2, 1, "round-r1"),
        Classes = ["a", "b", "c"],
        Teacher = Score("A", 0.80),
        Student = Score("B", 0.86),
        Naive = Score("naive", 0.82),
        Oracle = Score("oracle", 0.90),
        Promoted = true,
        GateReasons = ["accuracy +0.0600 (McNemar p = 0.0001)"],
        StudentVersusTeacher = new PairedTest(12, 42, 0.00004),
        TargetPrecision = 0.95,
        PseudoLabels = pseudoLabels,
        Steps = [new("gold data", 12.5), new("self-training", 100)],
        RoundPhases = [new("train", 80)],
        PredictCalls = [new("gold/test #0", "a", "a", 0.97, "B-v1")],
    };

    [Fact]
    public async Task Writes_the_json_the_plots_and_a_markdown_report_that_links_them()
    {
        var markdown = await ReportWriter.WriteAsync(Report([new("a", 0.9, 0.95, 100, 60, 57), new("b", 0.8, 0.96, 90, 80, 77), new("c", 1.01, 0, 110, 0, 0)]),
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
        var report = Report([]) with { Student = Score("B", 0.78), StudentVersusTeacher = new PairedTest(40, 30, 0.28), Promoted = false };

        var text = await File.ReadAllTextAsync(await ReportWriter.WriteAsync(report, _directory, CancellationToken.None));

        Assert.False(File.Exists(Path.Combine(_directory, "pseudo-labels.png")));
        Assert.DoesNotContain("pseudo-labels.png", text);
        Assert.Contains("No, B did not beat A", text);
        Assert.Contains("No student was promoted: A serves on.", text);
    }

    [Fact]
    public async Task Each_round_has_its_line_measured_against_A_and_against_its_own_teacher()
    {
        var b1 = Score("B1", 0.865) with { Version = "student-r1" };
        var b2 = Score("B2", 0.868) with { Version = "student-r2" };
        var report = Report([]) with
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
}
