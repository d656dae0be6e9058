using System.ComponentModel.DataAnnotations;

namespace SelfTrain.Api;

/// <summary>Bounds a round request is checked against that depend on the deployment (section "Rounds").</summary>
public sealed record RoundLimits
{
    public const string Section = "Rounds";

    /// <summary>The trainer's longest run (the Container Apps job's replica timeout in Azure): no training attempt may wait longer.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan MaxTrainingTimeout { get; init; } = TimeSpan.FromHours(4);
}
