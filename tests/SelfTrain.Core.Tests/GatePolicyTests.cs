using SelfTrain.Core.Evaluation;

namespace SelfTrain.Core.Tests;

/// <summary>The deployment's gate floor: a round may only make the gate stricter.</summary>
public sealed class GatePolicyTests
{
    private static readonly GatePolicy Floor = new() { Alpha = 0.05, MinimumGain = 0.01, MaximumRecallDrop = 0.05 };

    [Fact]
    public void Attack_a_gate_that_promotes_anything_is_refused_naming_each_field()
    {
        var (policy, problems) = Floor.Tighten(new GateOverrides(Alpha: 2, MinimumGain: -1, MaximumRecallDrop: 1));

        Assert.Equal(Floor, policy);
        Assert.Contains(problems, p => p.Contains("gate.alpha 2"));
        Assert.Contains(problems, p => p.Contains("gate.minimumGain -1"));
    }

    [Fact]
    public void Attack_a_valid_but_laxer_gate_is_refused_naming_the_floor()
    {
        var (policy, problems) = Floor.Tighten(new GateOverrides(Alpha: 0.5, MinimumGain: 0, MaximumRecallDrop: 0.5));

        Assert.Equal(Floor, policy);
        Assert.Equal(3, problems.Count);
        Assert.Contains("gate.alpha 0.5 is laxer than this deployment's floor 0.05", problems[0]);
        Assert.Contains("gate.minimumGain 0 is laxer than this deployment's floor 0.01", problems[1]);
        Assert.Contains("gate.maximumRecallDrop 0.5 is laxer than this deployment's floor 0.05", problems[2]);
    }

    [Fact]
    public void A_stricter_request_replaces_only_the_fields_it_names()
    {
        var (policy, problems) = Floor.Tighten(new GateOverrides(Alpha: 0.01));

        Assert.Empty(problems);
        Assert.Equal(Floor with { Alpha = 0.01 }, policy);
        Assert.Equal((Floor, (IReadOnlyList<string>)[]), Floor.Tighten(null));
    }

    [Fact]
    public void The_applied_gate_is_never_laxer_than_the_floor_whatever_a_round_carried()
    {
        var carried = new GatePolicy { Alpha = 0.9, MinimumGain = 0.02, MaximumRecallDrop = 1 };

        Assert.Equal(new GatePolicy { Alpha = 0.05, MinimumGain = 0.02, MaximumRecallDrop = 0.05 }, carried.AtLeast(Floor));
    }
}
