namespace SelfTrain.Core.Shards;

/// <summary>Constants of the binary shard format (docs/shard-format.md).</summary>
public static class ShardFormat
{
    /// <summary>"STSH": SelfTrain shard.</summary>
    public static ReadOnlySpan<byte> Magic => "STSH"u8;

    public const ushort CurrentVersion = 1;

    public const int HeaderBytes = 24;

    public const int ChecksumBytes = 4;

    /// <summary>How far a soft label's probabilities may sum away from 1 (float32 rounding of a softmax).</summary>
    public const float ProbabilitySumTolerance = 1e-3f;
}
