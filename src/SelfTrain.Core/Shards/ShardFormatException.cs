namespace SelfTrain.Core.Shards;

/// <summary>A shard that cannot be used as it is: truncated, corrupted, of another format or version, or not the shape the job expects.</summary>
public sealed class ShardFormatException : IOException
{
    public ShardFormatException(string shardName, string problem)
        : base($"Shard '{shardName}' {problem}")
    {
        ShardName = shardName;
    }

    public string ShardName { get; }
}
