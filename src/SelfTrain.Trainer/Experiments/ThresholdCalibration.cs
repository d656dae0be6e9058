namespace SelfTrain.Trainer.Experiments;

/// <summary>
/// Per-class confidence thresholds chosen on labelled data the model did not train on: for each class, the lowest
/// confidence at which the predictions of that class at or above it reach the target precision.
/// </summary>
public static class ThresholdCalibration
{
    /// <param name="probabilities">The model's output per labelled sample (out-of-fold or held out).</param>
    /// <returns>One threshold per class; 1 where the target is never reached (the class is not pseudo-labelled).</returns>
    public static double[] ForPrecision(IReadOnlyList<float[]> probabilities, IReadOnlyList<int> labels, int classCount, double targetPrecision)
    {
        var thresholds = new double[classCount];
        for (var c = 0; c < classCount; c++)
        {
            var predicted = Enumerable.Range(0, probabilities.Count)
                .Where(i => Array.IndexOf(probabilities[i], probabilities[i].Max()) == c)
                .Select(i => (Confidence: (double)probabilities[i][c], Correct: labels[i] == c))
                .OrderByDescending(p => p.Confidence)
                .ToArray();
            thresholds[c] = 1.0;
            var correct = 0;
            for (var k = 0; k < predicted.Length; k++)
            {
                if (predicted[k].Correct) correct++;
                // Accept the longest confident prefix whose precision still meets the target.
                if (correct / (double)(k + 1) >= targetPrecision) thresholds[c] = predicted[k].Confidence;
            }
        }
        return thresholds;
    }
}
