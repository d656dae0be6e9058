namespace SelfTrain.Core.Evaluation;

/// <summary>What a round request may change about the gate; each field left out keeps the deployment's floor.</summary>
public sealed record GateOverrides(double? Alpha = null, double? MinimumGain = null, double? MaximumRecallDrop = null);
