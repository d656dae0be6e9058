using SelfTrain.Trainer.Experiments;

namespace SelfTrain.Trainer.Tests;

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
