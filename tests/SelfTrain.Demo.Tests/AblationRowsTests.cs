using SelfTrain.Demo.Report;
using SelfTrain.Demo.Scenario;
using SelfTrain.Workflow.Round;

namespace SelfTrain.Demo.Tests;

public sealed class AblationRowsTests
{
    private static readonly ModelScore[] Scores =
    [
        SampleReports.Score("A", 0.80), SampleReports.Score("B", 0.87) with { Version = "b2" }, SampleReports.Score("naive", 0.85),
        SampleReports.Score("oracle", 0.89), SampleReports.Score(AblationSteps.Thresholds, 0.60), SampleReports.Score(AblationSteps.SoftLabels, 0.61),
        SampleReports.Score(AblationSteps.Noise, 0.62), SampleReports.Score("B1", 0.86) with { Version = "b1" },
    ];

    [Fact]
    public void The_naive_copy_each_trained_step_round_one_s_candidate_and_each_later_round_follow_in_order()
    {
        RoundResult[] rounds = [new() { Round = 1, Teacher = "A-v1", Candidate = "b1", Promoted = true }, new() { Round = 2, Teacher = "b1", Candidate = "b2" }];

        var rows = AblationRows.Of(Scores, rounds);

        Assert.Equal([AblationRows.NaiveCopy, AblationSteps.Thresholds, AblationSteps.SoftLabels, AblationSteps.Noise, AblationSteps.GoldAndClassFill, "+ round 2"],
            rows.Select(r => r.Step));
        Assert.Equal([0.85, 0.60, 0.61, 0.62, 0.86, 0.87], rows.Select(r => r.Score.Accuracy));
        Assert.Equal("the champion after round 1 teaches the round", rows[^1].Adds);
    }

    [Fact]
    public void Without_a_round_one_candidate_or_a_step_s_student_there_is_no_ablation()
    {
        var noCandidate = Assert.Throws<InvalidOperationException>(() => AblationRows.Of(Scores, [new() { Round = 1, Teacher = "A-v1" }]));
        Assert.Contains("round 1 produced none", noCandidate.Message);
        var missing = Assert.Throws<InvalidOperationException>(() =>
            AblationRows.Of([.. Scores.Where(s => s.Role != AblationSteps.Noise)], [new() { Round = 1, Teacher = "A-v1", Candidate = "b1" }]));
        Assert.Contains($"step '{AblationSteps.Noise}' was not scored", missing.Message);
    }
}
