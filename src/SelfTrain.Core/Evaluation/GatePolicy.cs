namespace SelfTrain.Core.Evaluation;

/// <summary>
/// When a candidate may replace the champion. A deployment configures one as its floor; a round may ask for a
/// stricter gate (<see cref="Tighten"/>), never a laxer one.
/// </summary>
public sealed record GatePolicy
{
    /// <summary>The configuration section of the deployment's floor.</summary>
    public const string Section = "Gate";

    /// <summary>McNemar's p-value must be below this.</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>The candidate's accuracy must exceed the champion's by at least this (absolute, e.g. 0.005 = half a point).</summary>
    public double MinimumGain { get; init; } = 0.005;

    /// <summary>No class's recall may fall by more than this (absolute).</summary>
    public double MaximumRecallDrop { get; init; } = 0.05;

    /// <summary>Every problem with this policy's values, in words; empty when it can gate.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Alpha is not (> 0 and <= 1)) problems.Add($"gate.alpha {Alpha} must be in (0, 1]");
        if (MinimumGain is not (>= 0 and <= 1)) problems.Add($"gate.minimumGain {MinimumGain} must be in [0, 1]");
        if (MaximumRecallDrop is not (>= 0 and <= 1)) problems.Add($"gate.maximumRecallDrop {MaximumRecallDrop} must be in [0, 1]");
        return problems;
    }

    /// <summary>
    /// This floor with a round's requested changes applied: a field left out keeps the floor's value, a stricter
    /// value replaces it, and a laxer one is a problem naming the field and the floor.
    /// </summary>
    public (GatePolicy Policy, IReadOnlyList<string> Problems) Tighten(GateOverrides? requested)
    {
        if (requested is null) return (this, []);
        var policy = new GatePolicy
        {
            Alpha = requested.Alpha ?? Alpha,
            MinimumGain = requested.MinimumGain ?? MinimumGain,
            MaximumRecallDrop = requested.MaximumRecallDrop ?? MaximumRecallDrop,
        };
        var problems = policy.Problems().ToList();
        if (problems.Count > 0) return (this, problems);
        if (policy.Alpha > Alpha) problems.Add($"gate.alpha {policy.Alpha} is laxer than this deployment's floor {Alpha}; it may only be lower");
        if (policy.MinimumGain < MinimumGain) problems.Add($"gate.minimumGain {policy.MinimumGain} is laxer than this deployment's floor {MinimumGain}; it may only be higher");
        if (policy.MaximumRecallDrop > MaximumRecallDrop) problems.Add($"gate.maximumRecallDrop {policy.MaximumRecallDrop} is laxer than this deployment's floor {MaximumRecallDrop}; it may only be lower");
        return (problems.Count == 0 ? policy : this, problems);
    }

    /// <summary>The stricter of this policy and <paramref name="floor"/> in every field: what the gate applies, whatever a round carried.</summary>
    public GatePolicy AtLeast(GatePolicy floor) => new()
    {
        Alpha = Math.Min(Alpha, floor.Alpha),
        MinimumGain = Math.Max(MinimumGain, floor.MinimumGain),
        MaximumRecallDrop = Math.Min(MaximumRecallDrop, floor.MaximumRecallDrop),
    };
}

