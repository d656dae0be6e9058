using SelfTrain.Core.Labels;

namespace SelfTrain.Core.Tests;

public sealed class PredictionTests
{
    private static readonly string[] Classes = ["a", "b", "c", "d"];

    [Fact]
    public void Confidence_margin_and_entropy_come_from_the_probabilities()
    {
        var p = Prediction.FromProbabilities([0.1f, 0.6f, 0.25f, 0.05f], Classes);
        Assert.Equal(1, p.ClassIndex);
        Assert.Equal("b", p.Label);
        Assert.Equal(0.6f, p.Confidence);
        Assert.Equal(0.35f, p.Margin, 1e-6f);
        // -(0.1 ln 0.1 + 0.6 ln 0.6 + 0.25 ln 0.25 + 0.05 ln 0.05) = 0.2303 + 0.3065 + 0.3466 + 0.1498 = 1.0331 (Python math.log).
        Assert.Equal(1.0331f, p.Entropy, 1e-4f);
    }

    [Fact]
    public void Uniform_probabilities_have_zero_margin_and_maximal_entropy()
    {
        var p = Prediction.FromProbabilities([0.25f, 0.25f, 0.25f, 0.25f], Classes);
        Assert.Equal(0, p.ClassIndex); // ties go to the first class
        Assert.Equal(0f, p.Margin);
        Assert.Equal(MathF.Log(4), p.Entropy, 1e-6f);
    }

    [Fact]
    public void Top_k_is_ordered_by_probability()
    {
        var p = Prediction.FromProbabilities([0.1f, 0.6f, 0.25f, 0.05f], Classes);
        Assert.Equal([(1, 0.6f), (2, 0.25f)], p.Top(2));
        Assert.Equal(4, p.Top(10).Count);
    }

    [Fact]
    public void Softmax_is_stable_for_large_logits()
    {
        float[] logits = [1000f, 1001f, 999f];
        Softmax.Apply(logits);
        // e^0, e^1, e^-1 normalised: 0.2447, 0.6652, 0.0900.
        Assert.Equal(0.2447f, logits[0], 1e-4f);
        Assert.Equal(0.6652f, logits[1], 1e-4f);
        Assert.Equal(0.0900f, logits[2], 1e-4f);
    }

    [Fact]
    public void Probability_count_must_match_the_classes()
    {
        Assert.Throws<ArgumentException>(() => Prediction.FromProbabilities([1f], Classes));
    }
}
