namespace SelfTrain.Inference;

/// <summary>Why an upload is refused. Each has its own HTTP status and quarantine reason.</summary>
public enum RejectionReason
{
    /// <summary>Zero bytes.</summary>
    Empty,
    /// <summary>More bytes than <see cref="ImageLimits.MaxBytes"/>.</summary>
    TooManyBytes,
    /// <summary>Width × height from the header exceeds <see cref="ImageLimits.MaxPixels"/>; nothing was decoded.</summary>
    TooManyPixels,
    /// <summary>No image format recognised.</summary>
    NotAnImage,
    /// <summary>A recognised image format that is not served (e.g. ICO, HEIF, DNG).</summary>
    UnsupportedFormat,
    /// <summary>The data ends before the image does.</summary>
    Truncated,
    /// <summary>The data is damaged or inconsistent.</summary>
    Corrupt,
}

public sealed class ImageRejectedException(RejectionReason reason, string message) : Exception(message)
{
    public RejectionReason Reason { get; } = reason;
}

/// <summary>What an image may cost before it is refused.</summary>
public sealed record ImageLimits
{
    public long MaxBytes { get; init; } = 20L * 1024 * 1024;

    /// <summary>
    /// Width × height from the header; larger is refused before anything is decoded. 24 MP (a 6000 × 4000 photo)
    /// decodes to 96 MB, the most one image may cost; <see cref="DecodeMemoryBudget"/> bounds them together.
    /// </summary>
    public long MaxPixels { get; init; } = 24_000_000;

    public static ImageLimits Default { get; } = new();
}
