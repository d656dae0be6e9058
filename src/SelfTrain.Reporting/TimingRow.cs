namespace SelfTrain.Reporting;

/// <summary>One bar of a timing chart: what ran, for how long, and which group of bars it belongs to.</summary>
public sealed record TimingRow(string Name, double Seconds, string Group);
