namespace SelfTrain.Core.Shards;

/// <summary>The image shape and class count a job needs; a shard whose header disagrees is rejected before any sample is read.</summary>
public sealed record ShardExpectation(int Channels, int Height, int Width, int ClassCount)
{
    internal void Check(ShardHeader header, string shardName)
    {
        if (header.Channels != Channels || header.Height != Height || header.Width != Width || header.ClassCount != ClassCount)
            throw new ShardFormatException(shardName,
                $"holds {header.Channels}×{header.Height}×{header.Width} images of {header.ClassCount} classes; " +
                $"the job expects {Channels}×{Height}×{Width} images of {ClassCount} classes.");
    }
}
