namespace SelfTrain.Core.Evaluation;

/// <summary>An observed share with its Wilson score interval, which behaves well near 0 and 1 and for small n.</summary>
public readonly record struct Proportion(long Successes, long Trials)
{
    public double Value => Trials == 0 ? 0 : (double)Successes / Trials;

    /// <param name="z">1.96 for a 95% interval.</param>
    public (double Low, double High) WilsonInterval(double z = 1.959963984540054)
    {
        if (Trials == 0) return (0, 1);
        var (n, p) = ((double)Trials, Value);
        var denominator = 1 + z * z / n;
        var centre = (p + z * z / (2 * n)) / denominator;
        var half = z * Math.Sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator;
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}
