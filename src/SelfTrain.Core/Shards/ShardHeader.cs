namespace SelfTrain.Core.Shards;

/// <summary>What a shard holds: its sample count, image shape, class count and label kind. See docs/shard-format.md.</summary>
public sealed record ShardHeader(int SampleCount, int Channels, int Height, int Width, int ClassCount, ShardLabelKind LabelKind)
{
    public int ImageBytes => Channels * Height * Width;

    /// <summary>Bytes of one sample record: pixels, label, weight (float32) and source (one byte).</summary>
    public int RecordBytes => ImageBytes + (LabelKind == ShardLabelKind.Soft ? 4 * ClassCount : 4) + 4 + 1;

    /// <summary>What makes this header unusable, or null.</summary>
    internal string? Problem() =>
        SampleCount < 0 ? $"sample count {SampleCount} is negative"
        : Channels is not (1 or 3) ? $"{Channels} channels (a shard holds 1 or 3)"
        : Height is < 1 or > ushort.MaxValue || Width is < 1 or > ushort.MaxValue ? $"image size {Width}x{Height} is out of range"
        : ClassCount is < 2 or > ushort.MaxValue ? $"{ClassCount} classes (at least 2 are needed)"
        : !Enum.IsDefined(LabelKind) ? $"unknown label kind {LabelKind}"
        : null;
}

/// <summary>Soft: a probability per class (a teacher's output). Hard: one class index (a gold label or an argmax).</summary>
public enum ShardLabelKind : byte { Soft = 0, Hard = 1 }

/// <summary>Gold: a label a person gave. Pseudo: a label a model gave.</summary>
public enum SampleSource : byte { Gold = 0, Pseudo = 1 }
