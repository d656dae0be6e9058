using SelfTrain.Core.Evaluation;

namespace SelfTrain.Core.Tests;

public sealed class PromotionGateTests
{
    private const int Classes = 4;

    /// <summary>1,000 images; the champion is right on the first <paramref name="championRight"/>, the candidate on a chosen set.</summary>
    private static (int[] Truth, int[] Champion, int[] Candidate) Paired(int championRight, Func<int, bool> candidateRight)
    {
        var truth = Enumerable.Range(0, 1000).Select(i => i % Classes).ToArray();
        var wrong = (int i) => (truth[i] + 1) % Classes;
        return (truth,
            Enumerable.Range(0, 1000).Select(i => i < championRight ? truth[i] : wrong(i)).ToArray(),
            Enumerable.Range(0, 1000).Select(i => candidateRight(i) ? truth[i] : wrong(i)).ToArray());
    }

    [Fact]
    public void A_clearly_better_candidate_is_promoted()
    {
        // Champion right on 800; candidate right on those too plus 60 more: b = 0, c = 60.
        var (truth, champion, candidate) = Paired(800, i => i < 860);
        var decision = PromotionGate.Decide(new GatePolicy(), truth, champion, candidate, Classes);
        Assert.True(decision.Promote, string.Join("; ", decision.Reasons));
        Assert.Equal(0.06, decision.AccuracyGain, 1e-12);
        Assert.Equal((0, 60), (decision.ChampionOnlyRight, decision.CandidateOnlyRight));
    }

    [Fact]
    public void A_worse_candidate_is_kept_out_with_its_reasons()
    {
        var (truth, champion, candidate) = Paired(800, i => i < 700);
        var decision = PromotionGate.Decide(new GatePolicy(), truth, champion, candidate, Classes);
        Assert.False(decision.Promote);
        Assert.Contains(decision.Reasons, r => r.StartsWith("accuracy gain -0.1000", StringComparison.Ordinal));
        Assert.Contains(decision.Reasons, r => r.StartsWith("class 0 recall fell by 0.100", StringComparison.Ordinal));
        Assert.DoesNotContain(decision.Reasons, r => r.StartsWith("not significant", StringComparison.Ordinal));
    }

    [Fact]
    public void Better_but_not_significantly_is_not_enough()
    {
        // +1 point, but from 30 images going one way and 20 the other: p = 0.2026 (Python, exact binomial).
        var (truth, champion, candidate) = Paired(800, i => i is >= 20 and < 830);
        var decision = PromotionGate.Decide(new GatePolicy(), truth, champion, candidate, Classes);
        Assert.False(decision.Promote);
        Assert.Equal(0.01, decision.AccuracyGain, 1e-12);
        Assert.Equal(0.2026, decision.PValue, 1e-4);
        Assert.Single(decision.Reasons, r => r.StartsWith("not significant", StringComparison.Ordinal));
    }

    [Fact]
    public void A_class_that_collapses_blocks_promotion_even_when_overall_accuracy_rises()
    {
        // The candidate gains 100 images but loses every class-3 image the champion had right among the first 800.
        var (truth, champion, candidate) = Paired(800, i => i < 900 && !(i < 800 && i % Classes == 3));
        var decision = PromotionGate.Decide(new GatePolicy(), truth, champion, candidate, Classes);
        Assert.False(decision.Promote);
        Assert.Single(decision.Reasons, r => r.StartsWith("class 3 recall fell", StringComparison.Ordinal));

        // Given the names, the reason says which class it is.
        var named = PromotionGate.Decide(new GatePolicy(), truth, champion, candidate, Classes, classNames: ["a", "b", "c", "Shirt"]);
        Assert.Single(named.Reasons, r => r.StartsWith("class 3 (Shirt) recall fell", StringComparison.Ordinal));
    }

    [Fact]
    public void A_failed_smoke_check_blocks_promotion()
    {
        var (truth, champion, candidate) = Paired(800, i => i < 860);
        var decision = PromotionGate.Decide(new GatePolicy(), truth, champion, candidate, Classes, ["output has 5 classes, expected 4"]);
        Assert.False(decision.Promote);
        Assert.Equal(["smoke check failed: output has 5 classes, expected 4"], decision.Reasons);
    }
}
