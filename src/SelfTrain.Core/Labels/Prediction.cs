namespace SelfTrain.Core.Labels;

/// <summary>
/// A model's answer for one image: the winning class and the numbers that say how sure it is. Margin (top-1 minus
/// top-2) and entropy are what confidence-based pseudo-label selection reads later.
/// </summary>
public sealed record Prediction(int ClassIndex, string Label, float Confidence, float Margin, float Entropy, float[] Probabilities)
{
    public static Prediction FromProbabilities(float[] probabilities, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if (probabilities.Length != classes.Count)
            throw new ArgumentException($"{probabilities.Length} probabilities for {classes.Count} classes.", nameof(probabilities));

        int best = 0;
        float top1 = float.NegativeInfinity, top2 = float.NegativeInfinity;
        double entropy = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = probabilities[i];
            if (p > top1) { top2 = top1; top1 = p; best = i; }
            else if (p > top2) top2 = p;
            if (p > 0) entropy -= p * Math.Log(p);
        }
        return new Prediction(best, classes[best], top1, top1 - top2, (float)entropy, probabilities);
    }

    /// <summary>The <paramref name="k"/> most probable classes, most probable first.</summary>
    public IReadOnlyList<(int ClassIndex, float Probability)> Top(int k) =>
        Probabilities.Select((p, i) => (ClassIndex: i, Probability: p))
            .OrderByDescending(x => x.Probability).ThenBy(x => x.ClassIndex)
            .Take(Math.Clamp(k, 0, Probabilities.Length)).ToArray();
}
