using SelfTrain.Core.Evaluation;

namespace SelfTrain.Core.Tests;

public sealed class EvaluationTests
{
    // Three classes, ten images. Worked by hand:
    //   truth     0 0 0 0 1 1 1 2 2 2
    //   predicted 0 0 0 1 1 1 2 2 2 0
    // class 0: TP 3, predicted 4, actual 4 → P 0.75, R 0.75, F1 0.75
    // class 1: TP 2, predicted 3, actual 3 → P 2/3, R 2/3, F1 2/3
    // class 2: TP 2, predicted 3, actual 3 → P 2/3, R 2/3, F1 2/3
    // accuracy 7/10; macro-F1 (0.75 + 2/3 + 2/3) / 3 = 0.69444…
    private static readonly int[] Truth = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
    private static readonly int[] Predicted = [0, 0, 0, 1, 1, 1, 2, 2, 2, 0];

    [Fact]
    public void Confusion_metrics_match_the_hand_calculation()
    {
        var m = ConfusionMatrix.From(Truth, Predicted, 3);
        Assert.Equal(0.7, m.Accuracy, 1e-12);
        Assert.Equal(0.75, m.Precision(0), 1e-12);
        Assert.Equal(2.0 / 3, m.Recall(1), 1e-12);
        Assert.Equal((0.75 + 2.0 / 3 + 2.0 / 3) / 3, m.MacroF1, 1e-12);
        Assert.Equal(1, m[0, 1]);
        Assert.Equal(1, m[2, 0]);
    }

    [Fact]
    public void Wilson_interval_matches_the_published_formula()
    {
        // 90 of 100: (0.8256, 0.9448), computed in Python from Wilson (1927), z = 1.959964.
        var (low, high) = new Proportion(90, 100).WilsonInterval();
        Assert.Equal(0.8256343384950865, low, 1e-12);
        Assert.Equal(0.9447708629393249, high, 1e-12);
    }

    [Fact]
    public void Expected_calibration_error_is_the_weighted_confidence_gap()
    {
        // Bin [0.9, 1.0) with 0.95 confidence, 2 of 4 right: gap 0.45. Bin [0.6, 0.667) (15 bins) with 0.6, 1 of 1 right: gap 0.4.
        // ECE = 4/5 · 0.45 + 1/5 · 0.4 = 0.44.
        double[] confidence = [0.95, 0.95, 0.95, 0.95, 0.6];
        bool[] correct = [true, true, false, false, true];
        Assert.Equal(0.44, Calibration.ExpectedError(confidence, correct), 1e-12);
        var bins = Calibration.Reliability(confidence, correct);
        Assert.Equal(15, bins.Count);
        Assert.Equal(5, bins.Sum(b => b.Count));
    }

    /// <summary>Class 0 predictions with confidences 0.99 … 0.50; 0.80 and up are all right, the ones below wrong.</summary>
    private static (List<int> Truth, List<int> Predicted, List<double> Confidence) RightDownTo080()
    {
        var (truth, predicted, confidence) = (new List<int>(), new List<int>(), new List<double>());
        for (var i = 0; i < 50; i++)
        {
            var conf = 0.99 - i * 0.01;
            predicted.Add(0);
            confidence.Add(conf);
            truth.Add(conf >= 0.795 ? 0 : 1);
        }
        return (truth, predicted, confidence);
    }

    [Fact]
    public void Without_a_margin_thresholds_take_the_lowest_cut_whose_observed_precision_reaches_the_target()
    {
        var (truth, predicted, confidence) = RightDownTo080();
        var thresholds = ConfidenceThresholds.Calibrate(truth, predicted, confidence, classes: 2, targetPrecision: 0.95, minimumAccepted: 10, marginZ: 0);

        // 20 right (0.99..0.80); adding the next wrong one gives 20/21 = 0.952 ≥ 0.95, two more wrong 20/22 = 0.909 < 0.95.
        Assert.Equal(0.79, thresholds[0].Threshold, 1e-9);
        Assert.Equal(20.0 / 21, thresholds[0].EstimatedPrecision, 1e-9);
        Assert.Equal(21.0 / 50, thresholds[0].Coverage, 1e-9);
        Assert.Equal(50, thresholds[0].Support);
        Assert.Equal(ConfidenceThresholds.Never, thresholds[1].Threshold); // never predicted: accept nothing
    }

    [Fact]
    public void By_default_a_cut_must_reach_the_target_by_half_a_standard_error_so_one_that_just_passes_is_not_taken()
    {
        var (truth, predicted, confidence) = RightDownTo080();
        var threshold = ConfidenceThresholds.Calibrate(truth, predicted, confidence, classes: 2, targetPrecision: 0.95, minimumAccepted: 10)[0];

        // 20/21 = 0.952 passes by its share alone, but its Wilson interval at z = 0.5 starts at 0.923; 20/20 starts at 0.988.
        Assert.Equal(0.80, threshold.Threshold, 1e-9);
        Assert.Equal(1.0, threshold.EstimatedPrecision, 1e-9);
        Assert.Equal(20.0 / 50, threshold.Coverage, 1e-9);
    }

    [Fact]
    public void A_target_of_one_accepts_a_cut_only_when_every_prediction_above_it_is_right()
    {
        var (truth, predicted, confidence) = RightDownTo080();
        var threshold = ConfidenceThresholds.Calibrate(truth, predicted, confidence, classes: 2, targetPrecision: 1.0, minimumAccepted: 10)[0];
        Assert.Equal(0.80, threshold.Threshold, 1e-9); // no Wilson interval reaches 1, so the margin cannot apply
        Assert.Throws<ArgumentOutOfRangeException>(() => ConfidenceThresholds.Calibrate(truth, predicted, confidence, classes: 2, marginZ: double.NaN));
    }

    [Fact]
    public void Thresholds_of_probabilities_judge_each_image_by_its_most_probable_class()
    {
        // 30 images class 1 is sure of (right), 30 class 0 is unsure of (half right): only class 1 gets a threshold.
        var probabilities = Enumerable.Range(0, 60).Select(i => i < 30 ? new[] { 0.01f, 0.99f } : new[] { 0.6f, 0.4f }).ToArray();
        var truth = Enumerable.Range(0, 60).Select(i => i < 30 ? 1 : i % 2).ToArray();
        var thresholds = ConfidenceThresholds.Calibrate(probabilities, truth, classes: 2);
        Assert.Equal(ConfidenceThresholds.Never, thresholds[0].Threshold);
        Assert.Equal(30, thresholds[0].Support);
        Assert.Equal(0.99, thresholds[1].Threshold, 1e-6);
        Assert.Equal(1.0, thresholds[1].Coverage);
    }

    [Fact]
    public void A_class_that_cannot_reach_the_target_accepts_nothing()
    {
        int[] truth = [1, 0, 1, 0, 1, 0];
        int[] predicted = [0, 0, 0, 0, 0, 0];
        double[] confidence = [0.99, 0.98, 0.97, 0.96, 0.95, 0.94];
        var t = ConfidenceThresholds.Calibrate(truth, predicted, confidence, classes: 2, targetPrecision: 0.9, minimumAccepted: 1)[0];
        Assert.Equal(ConfidenceThresholds.Never, t.Threshold);
        Assert.Equal(0, t.Coverage);
    }
}
