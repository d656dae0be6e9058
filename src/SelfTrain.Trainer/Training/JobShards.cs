using SelfTrain.Core.Shards;
using SelfTrain.Core.Training;

namespace SelfTrain.Trainer.Training;

/// <summary>Reads every shard a job names, checking each against the job's image shape and class count.</summary>
public static class JobShards
{
    /// <param name="open">Opens a shard by blob name; returns null when it does not exist.</param>
    /// <exception cref="ShardFormatException">A shard is missing, truncated, corrupted or of another shape.</exception>
    public static async Task<List<ShardSample>> LoadAsync(TrainingJob job, Func<string, CancellationToken, Task<Stream?>> open,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var expected = new ShardExpectation(job.Channels, job.InputSize, job.InputSize, job.Classes.Count);
        var samples = new List<ShardSample>();
        foreach (var name in job.Shards)
        {
            await using var stream = await open(name, cancellationToken).ConfigureAwait(false)
                ?? throw new ShardFormatException(name, "is missing.");
            var (_, shardSamples) = await ShardReader.ReadAllAsync(stream, name, expected, cancellationToken).ConfigureAwait(false);
            samples.AddRange(shardSamples);
        }
        return samples;
    }

    /// <summary>An opener for shards stored as files under a folder (local runs).</summary>
    public static Func<string, CancellationToken, Task<Stream?>> FromDirectory(string directory) => (name, _) =>
    {
        var path = Path.Combine(directory, name);
        return Task.FromResult<Stream?>(File.Exists(path) ? File.OpenRead(path) : null);
    };
}
