namespace SelfTrain.Core.Labels;

public enum LabelStatus { Labelled, Rejected }

/// <summary>
/// What the store knows about one distinct image (keyed by content hash): where it was uploaded, and the serving
/// model's answer for it — or why it was refused.
/// </summary>
public sealed record LabelRecord
{
    public required ContentAddress Content { get; init; }
    public required IReadOnlyList<string> BlobNames { get; init; }
    public required LabelStatus Status { get; init; }
    public required DateTimeOffset LabelledAt { get; init; }

    /// <summary>Set when <see cref="Status"/> is <see cref="LabelStatus.Rejected"/>: the reason's name and its detail.</summary>
    public string? RejectionReason { get; init; }
    public string? RejectionDetail { get; init; }

    /// <summary>The model that labelled the image; null for a rejected one.</summary>
    public string? ModelVersion { get; init; }
    public Prediction? Prediction { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
}
