namespace SelfTrain.Core.Evaluation;

/// <summary>One bin of a reliability diagram: predictions whose confidence fell in [Low, High).</summary>
public sealed record ReliabilityBin(double Low, double High, long Count, double MeanConfidence, double Accuracy);

/// <summary>How well a model's confidence matches how often it is right.</summary>
public static class Calibration
{
    /// <summary>Equal-width confidence bins over [0, 1]; empty bins are kept with zero counts.</summary>
    public static IReadOnlyList<ReliabilityBin> Reliability(IReadOnlyList<double> confidence, IReadOnlyList<bool> correct, int bins = 15)
    {
        if (confidence.Count != correct.Count) throw new ArgumentException("Each confidence needs its outcome.");
        var count = new long[bins];
        var confidenceSum = new double[bins];
        var correctSum = new long[bins];
        for (var i = 0; i < confidence.Count; i++)
        {
            var bin = Math.Clamp((int)(confidence[i] * bins), 0, bins - 1);
            count[bin]++;
            confidenceSum[bin] += confidence[i];
            if (correct[i]) correctSum[bin]++;
        }
        return Enumerable.Range(0, bins).Select(b => new ReliabilityBin((double)b / bins, (double)(b + 1) / bins, count[b],
            count[b] == 0 ? 0 : confidenceSum[b] / count[b], count[b] == 0 ? 0 : (double)correctSum[b] / count[b])).ToArray();
    }

    /// <summary>Expected calibration error: the count-weighted mean gap between confidence and accuracy per bin.</summary>
    public static double ExpectedError(IReadOnlyList<double> confidence, IReadOnlyList<bool> correct, int bins = 15)
    {
        var total = (double)confidence.Count;
        return total == 0 ? 0 : Reliability(confidence, correct, bins).Sum(b => b.Count / total * Math.Abs(b.MeanConfidence - b.Accuracy));
    }
}
