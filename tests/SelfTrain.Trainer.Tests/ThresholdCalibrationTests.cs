using SelfTrain.Trainer.Experiments;

namespace SelfTrain.Trainer.Tests;

public sealed class ThresholdCalibrationTests
{
    [Fact]
    public void Threshold_is_the_lowest_confidence_that_keeps_the_target_precision()
    {
        // Class 0 predictions by confidence: .95 ok, .9 ok, .8 wrong, .7 ok, .6 wrong, .5 wrong.
        float[][] probabilities = [[.95f, .05f], [.9f, .1f], [.8f, .2f], [.7f, .3f], [.6f, .4f], [.5f, .5f], [.1f, .9f]];
        int[] labels = [0, 0, 1, 0, 1, 1, 1];
        var thresholds = ThresholdCalibration.ForPrecision(probabilities, labels, 2, 0.75);
        Assert.Equal(0.7, thresholds[0], 5); // top 4: 3/4 correct
        Assert.Equal(0.9, thresholds[1], 5); // class 1's only prediction is right
    }

    [Fact]
    public void A_class_that_never_reaches_the_precision_gets_threshold_one()
    {
        float[][] probabilities = [[.9f, .1f], [.8f, .2f]];
        var thresholds = ThresholdCalibration.ForPrecision(probabilities, [1, 1], 2, 0.9);
        Assert.Equal([1.0, 1.0], thresholds);
    }
}

public sealed class TemperatureCalibrationTests
{
    [Fact]
    public void Overconfident_probabilities_get_a_temperature_above_one()
    {
        // Always 99% sure, right 70% of the time: honest probabilities need softening.
        var random = new Random(4);
        var probabilities = new List<float[]>();
        var labels = new List<int>();
        for (var i = 0; i < 1000; i++)
        {
            var predicted = random.Next(3);
            var p = new float[3];
            Array.Fill(p, 0.005f);
            p[predicted] = 0.99f;
            probabilities.Add(p);
            labels.Add(random.NextDouble() < 0.7 ? predicted : (predicted + 1 + random.Next(2)) % 3);
        }
        var t = TemperatureCalibration.Fit(probabilities, labels);
        Assert.InRange(t, 3, 8);
        Assert.True(TemperatureCalibration.NegativeLogLikelihood(probabilities, labels, t) < TemperatureCalibration.NegativeLogLikelihood(probabilities, labels, 1));
    }
}
