using SelfTrain.Core.Evaluation;

namespace SelfTrain.Core.Tests;

public sealed class McNemarTests
{
    // Expected values: exact two-sided binomial tail, computed independently in Python with math.comb and
    // fractions.Fraction: min(1, 2 * sum(C(n, i) / 2^n for i in 0..min(b, c))).
    [Theory]
    [InlineData(10, 25, 0.01667384780012071)]
    [InlineData(0, 5, 0.0625)]
    [InlineData(5, 0, 0.0625)]
    [InlineData(3, 3, 1.0)]
    [InlineData(0, 0, 1.0)]
    [InlineData(100, 140, 0.011664092317677663)]
    [InlineData(1000, 1100, 0.030720707864242296)]
    [InlineData(400, 520, 8.549170923883778e-05)]
    public void Exact_p_value_matches_the_binomial_tail(long b, long c, double expected)
    {
        Assert.Equal(expected, McNemar.ExactPValue(b, c), expected * 1e-9 + 1e-15);
    }

    [Fact]
    public void Huge_samples_neither_overflow_nor_underflow()
    {
        Assert.Equal(1.0, McNemar.ExactPValue(1_000_000, 1_000_000));
        // The normal approximation with continuity correction, z = (10,000 − 1) / √2,010,000 = 7.0527, gives
        // erfc(z / √2) = 1.7541e-12 (Python); at this n the exact tail agrees to well under 5%.
        var p = McNemar.ExactPValue(1_000_000, 1_010_000);
        Assert.Equal(1.7541e-12, p, 0.05 * 1.7541e-12);
    }

    [Fact]
    public void Compare_counts_only_the_discordant_pairs()
    {
        int[] truth = [0, 1, 2, 0, 1, 2, 0];
        int[] first = [0, 1, 0, 0, 2, 2, 1];  // right on 0, 1, 3, 5
        int[] second = [0, 2, 2, 1, 1, 2, 1]; // right on 0, 2, 4, 5
        var (firstOnly, secondOnly, p) = McNemar.Compare(truth, first, second);
        Assert.Equal((2, 2), (firstOnly, secondOnly)); // first only: 1, 3; second only: 2, 4
        Assert.Equal(1.0, p);
    }
}
