using SelfTrain.Core;
using SelfTrain.Core.Evaluation;
using SelfTrain.Core.Labels;
using SelfTrain.Demo.Report;

namespace SelfTrain.Demo.Tests;

public sealed class PseudoLabelAuditTests
{
    private static readonly string[] Classes = ["a", "b"];

    private static LabelRecord Row(int id, string model, int classIndex, float confidence, LabelStatus status = LabelStatus.Labelled)
    {
        var probabilities = classIndex == 0 ? new[] { confidence, 1 - confidence } : [1 - confidence, confidence];
        return new LabelRecord
        {
            Content = ContentAddress.Of([(byte)id]),
            BlobNames = [$"pool-{id}.png"],
            Status = status,
            LabelledAt = DateTimeOffset.UnixEpoch,
            ModelVersion = model,
            Prediction = status == LabelStatus.Labelled ? Prediction.FromProbabilities(probabilities, Classes) : null,
        };
    }

    [Fact]
    public void Counts_what_passed_each_class_threshold_and_how_much_of_it_was_right()
    {
        ClassThreshold[] thresholds = [new(0, 0.8, 0.95, 0.5, 40), new(1, ConfidenceThresholds.Never, 0, 0, 40)];
        LabelRecord[] rows =
        [
            Row(1, "A", 0, 0.9f), // accepted, right
            Row(2, "A", 0, 0.85f), // accepted, wrong
            Row(3, "A", 0, 0.6f), // below the threshold
            Row(4, "A", 1, 0.99f), // class b accepts nothing
            Row(5, "B", 0, 0.99f), // another model's label
            Row(6, "A", 0, 0.99f, LabelStatus.Rejected),
            Row(7, "A", 0, 0.99f), // not a pool image
        ];
        var truth = new Dictionary<ContentAddress, int>
        {
            [rows[0].Content] = 0, [rows[1].Content] = 1, [rows[2].Content] = 0, [rows[3].Content] = 1, [rows[4].Content] = 0, [rows[5].Content] = 0,
        };

        var audit = PseudoLabelAudit.Of(thresholds, "A", rows, truth, Classes);

        Assert.Equal(new PseudoLabelClass("a", 0.8, 0.95, Predicted: 3, Accepted: 2, Correct: 1), audit[0]);
        Assert.Equal(0.5, audit[0].Precision);
        Assert.Equal(2.0 / 3, audit[0].Coverage, 12);
        Assert.Equal(new PseudoLabelClass("b", ConfidenceThresholds.Never, 0, Predicted: 1, Accepted: 0, Correct: 0), audit[1]);
        Assert.Equal(0, audit[1].Precision);
    }

    [Fact]
    public void A_round_without_thresholds_has_nothing_to_audit() =>
        Assert.Empty(PseudoLabelAudit.Of([], "A", [Row(1, "A", 0, 0.9f)], new Dictionary<ContentAddress, int>(), Classes));
}
