namespace SelfTrain.Trainer.Experiments;

/// <summary>
/// The temperature T that makes a model's probabilities honest on labelled data it did not train on: the T
/// minimizing the negative log-likelihood of softmax(log p / T). A head fitted on few images is overconfident
/// (T > 1), and its soft labels only carry what it knows about similar classes once softened.
/// </summary>
public static class TemperatureCalibration
{
    public static double Fit(IReadOnlyList<float[]> probabilities, IReadOnlyList<int> labels)
    {
        var best = 1.0;
        var bestLoss = double.PositiveInfinity;
        for (var step = 0; step <= 80; step++)
        {
            var t = Math.Pow(2, -2 + step * 0.075); // 0.25 … 16
            var loss = NegativeLogLikelihood(probabilities, labels, t);
            if (loss < bestLoss) (best, bestLoss) = (t, loss);
        }
        return best;
    }

    public static double NegativeLogLikelihood(IReadOnlyList<float[]> probabilities, IReadOnlyList<int> labels, double temperature)
    {
        double total = 0;
        for (var i = 0; i < probabilities.Count; i++)
        {
            var logits = probabilities[i].Select(p => Math.Log(Math.Max(p, 1e-12)) / temperature).ToArray();
            var max = logits.Max();
            var logSum = max + Math.Log(logits.Sum(l => Math.Exp(l - max)));
            total += logSum - logits[labels[i]];
        }
        return total / probabilities.Count;
    }
}
