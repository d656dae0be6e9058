namespace SelfTrain.Core.Evaluation;

/// <summary>
/// McNemar's exact test for two classifiers judged on the same images. Only the discordant pairs carry
/// information: <c>b</c> images the first got right and the second wrong, <c>c</c> the reverse. Under the null
/// hypothesis (equal accuracy) each discordant pair goes either way with probability ½, so b ~ Binomial(b + c, ½);
/// the two-sided p-value is twice the smaller tail, capped at 1.
/// </summary>
public static class McNemar
{
    public static double ExactPValue(long b, long c)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(b);
        ArgumentOutOfRangeException.ThrowIfNegative(c);
        var n = b + c;
        if (n == 0) return 1.0;
        var k = Math.Min(b, c);
        // P(X ≤ k) for X ~ Bin(n, ½), in log space so n in the millions neither overflows nor underflows; terms by
        // the recurrence C(n, i + 1) = C(n, i) · (n − i) / (i + 1). The terms rise with i (k ≤ n/2), so the last is the largest.
        var logTerms = new double[k + 1];
        logTerms[0] = -n * Math.Log(2);
        for (long i = 0; i < k; i++) logTerms[i + 1] = logTerms[i] + Math.Log(n - i) - Math.Log(i + 1);
        var max = logTerms[k];
        double sum = 0;
        for (var i = k; i >= 0; i--) sum += Math.Exp(logTerms[i] - max);
        return Math.Min(1.0, 2 * Math.Exp(max) * sum);
    }

    /// <summary>The test over paired predictions: who got which image right.</summary>
    public static (long FirstOnly, long SecondOnly, double PValue) Compare(IReadOnlyList<int> truth, IReadOnlyList<int> first, IReadOnlyList<int> second)
    {
        if (truth.Count != first.Count || truth.Count != second.Count)
            throw new ArgumentException("McNemar's test needs both classifiers' predictions for the same images.");
        long b = 0, c = 0;
        for (var i = 0; i < truth.Count; i++)
        {
            var (firstRight, secondRight) = (first[i] == truth[i], second[i] == truth[i]);
            if (firstRight && !secondRight) b++;
            else if (secondRight && !firstRight) c++;
        }
        return (b, c, ExactPValue(b, c));
    }
}
