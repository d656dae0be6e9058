using SelfTrain.Core.Labels;

namespace SelfTrain.Core.Tests;

public sealed class CommitteeTests
{
    private static readonly string[] Classes = ["cat", "dog", "fox"];

    [Fact]
    public void Two_views_that_disagree_settle_on_what_both_find_likely()
    {
        var teacher = Prediction.FromProbabilities([0.5f, 0.4f, 0.1f], Classes);
        var elder = Prediction.FromProbabilities([0.1f, 0.6f, 0.3f], Classes);

        var joined = Committee.Join(teacher, [elder], Classes);

        Assert.Equal("dog", joined.Label);
        float[] mean = [0.3f, 0.5f, 0.2f];
        for (var c = 0; c < mean.Length; c++) Assert.Equal(mean[c], joined.Probabilities[c], 1e-6f);
    }

    [Fact]
    public void Views_of_different_class_counts_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Committee.Mean([[0.5f, 0.5f], [0.2f, 0.3f, 0.5f]]));
    }
}
