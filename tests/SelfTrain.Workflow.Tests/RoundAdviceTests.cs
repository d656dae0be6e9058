using SelfTrain.Core.Evaluation;
using SelfTrain.Workflow.Round;

namespace SelfTrain.Workflow.Tests;

/// <summary>What a round tells its operator besides the gate: why the pool gave nothing, and what to try.</summary>
public sealed class RoundAdviceTests
{
    private static readonly RoundRequest Request = new() { Epochs = 8, TargetPrecision = 0.95 };
    private static ShardCounts Pool(int accepted, int below, int unusable) => new(null, accepted, below, unusable, [accepted, 0]);
    private static ClassThreshold Threshold(double value) => new(0, value, 0.95, 0.5, 50);

    private static ValidationResult Validation(double championAccuracy, double candidateAccuracy)
    {
        ModelEvaluation Of(string model, double accuracy)
        {
            var right = (int)Math.Round(accuracy * 100);
            return ModelEvaluation.Of(model, Enumerable.Repeat(0, 100).ToArray(),
                Enumerable.Range(0, 100).Select(i => i < right ? 0 : 1).ToArray(), Enumerable.Repeat(0.9, 100).ToArray(), 2);
        }
        return new ValidationResult(Of("candidate", candidateAccuracy), Of("champion", championAccuracy),
            new GateDecision(false, candidateAccuracy - championAccuracy, 1, 0, 0, ["accuracy gain is below the minimum"]), []);
    }

    [Fact]
    public void A_pool_that_gave_something_needs_no_reason() => Assert.Empty(RoundAdvice.PoolReasons(Pool(10, 5, 0), [], Request));

    [Fact]
    public void An_empty_pool_says_nothing_is_labelled_yet() =>
        Assert.Contains("no production image has been labelled yet", Assert.Single(RoundAdvice.PoolReasons(Pool(0, 0, 0), [], Request)));

    [Fact]
    public void A_pool_all_below_thresholds_names_the_classes_that_could_reach_none()
    {
        var reason = Assert.Single(RoundAdvice.PoolReasons(Pool(0, 800, 200), [Threshold(ConfidenceThresholds.Never), Threshold(0.9)], Request));

        Assert.Contains("200 of 1000 label rows are unusable", reason);
        Assert.Contains("800 of 1000 were below their class's threshold (1 of 2 classes could not reach targetPrecision 0.95", reason);
    }

    [Fact]
    public void A_student_far_below_the_teacher_is_told_to_grow_or_train_longer()
    {
        var hints = RoundAdvice.Hints(new StudentShape("small-cnn", 32, 3), Request, Validation(0.74, 0.40), Pool(10, 0, 0));

        var hint = Assert.Single(hints);
        Assert.Contains("small-cnn at 32 px, 3 channels, 8 epochs", hint);
        Assert.Contains("try a larger architecture ('resnet8'), or more epochs", hint);
    }

    [Fact]
    public void A_student_near_the_teacher_gets_no_hint_and_a_resnet_is_told_only_more_epochs()
    {
        Assert.Empty(RoundAdvice.Hints(new StudentShape("small-cnn", 28, 1), Request, Validation(0.80, 0.79), Pool(10, 0, 0)));
        var hint = Assert.Single(RoundAdvice.Hints(new StudentShape("resnet8", 32, 3), Request, Validation(0.80, 0.50), Pool(10, 0, 0)));
        Assert.EndsWith("try more epochs", hint);
    }

    [Fact]
    public void No_pseudo_label_passing_suggests_a_lower_target_precision() =>
        Assert.Contains(RoundAdvice.Hints(new StudentShape("small-cnn", 28, 1), Request, Validation(0.80, 0.81), Pool(0, 500, 0)),
            h => h.StartsWith("no pseudo-label passed the thresholds: a lower targetPrecision (now 0.95)", StringComparison.Ordinal));
}
