using SelfTrain.Core.Evaluation;
using SelfTrain.Demo.Report;

namespace SelfTrain.Demo.Tests;

/// <summary>Small demo reports over three classes, for the report's renderers.</summary>
internal static class SampleReports
{
    public static ModelScore Score(string role, double accuracy)
    {
        var confusion = Enumerable.Range(0, 3).Select(t => Enumerable.Range(0, 3).Select(p => (long)(t == p ? 80 : 10)).ToArray()).ToArray();
        IReadOnlyList<ReliabilityBin> bins = [new(0.5, 0.75, 100, 0.7, 0.6), new(0.75, 1, 140, 0.9, 0.85)];
        return new ModelScore(role, $"{role}-v1", role == "A" ? "transfer learning" : "noisy-student", accuracy, accuracy - 0.02, accuracy + 0.02,
            accuracy - 0.01, 0.05, [0.8, 0.8, 0.8], confusion, bins, 1_500_000, 900);
    }

    public static DemoReport Report(IReadOnlyList<PseudoLabelClass> pseudoLabels) => new()
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
}
