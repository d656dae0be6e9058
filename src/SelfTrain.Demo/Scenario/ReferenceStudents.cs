using Polly;
using Polly.Retry;
using SelfTrain.Core;
using SelfTrain.Core.Data;
using SelfTrain.Core.Labels;
using SelfTrain.Core.Shards;
using SelfTrain.Core.Training;
using SelfTrain.Storage;
using SelfTrain.Workflow.Round.Steps;

namespace SelfTrain.Demo.Scenario;

/// <summary>
/// The report's two references, trained by the same trainer with the round's job settings (architecture, epochs,
/// batch size, seed): <c>naive</c> copies the teacher's argmax label of every pool image (what plain copying gets),
/// and the oracle learns the pool's true labels with the gold ones (what a person labelling everything would get).
/// Each distinct image counts once, as in the round's shards. With the ablation, the students of
/// <see cref="AblationSteps"/> are trained too, on the round's own shards.
/// </summary>
public sealed class ReferenceStudents(StorageAccount storage, StorageLayout layout, TrainerCli trainer)
{
    /// <summary>
    /// A crashed trainer is run once more: libtorch has aborted natively now and then (a BatchNorm step, once in
    /// thousands), and the same job then completed. A trainer that refused its job is not retried.
    /// </summary>
    private static readonly ResiliencePipeline CrashRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<TrainerFailedException>(e => e.Crashed),
            MaxRetryAttempts = 1,
            Delay = TimeSpan.Zero,
        })
        .Build();

    /// <summary>Where each student's model folder is; <paramref name="Ablation"/> by step name, in step order.</summary>
    public sealed record Trained(string NaiveDirectory, string OracleDirectory, IReadOnlyList<(string Step, string Directory)> Ablation);

    public async Task<Trained> TrainAsync(string roundId, FashionMnistSplits splits, ContentAddress[] poolContents,
        IReadOnlyDictionary<ContentAddress, LabelRecord> teacherLabels, string teacher, string workDirectory, int threads, bool ablation,
        CancellationToken cancellationToken)
    {
        var roundJob = await RoundJobAsync(roundId, cancellationToken);
        var shards = Directory.CreateDirectory(Path.Combine(workDirectory, "shards")).FullName;
        var models = Directory.CreateDirectory(Path.Combine(workDirectory, "models")).FullName;
        var distinct = Enumerable.Range(0, poolContents.Length).DistinctBy(i => poolContents[i]).ToArray();
        var copied = distinct.Where(i => teacherLabels.TryGetValue(poolContents[i], out var row)
            && row.Status == LabelStatus.Labelled && row.ModelVersion == teacher).ToArray();

        await WriteShardAsync(Path.Combine(shards, "gold.shard"), ShardLabelKind.Hard, splits.GoldTrain, [.. Enumerable.Range(0, splits.GoldTrain.Count)],
            i => ShardSample.Hard(splits.GoldTrain.Image(i).ToArray(), splits.GoldTrain.Labels[i]), cancellationToken);
        await WriteShardAsync(Path.Combine(shards, "naive-pool.shard"), ShardLabelKind.Soft, splits.Pool, copied,
            i => ShardSample.Soft(splits.Pool.Image(i).ToArray(), [.. teacherLabels[poolContents[i]].Prediction!.Probabilities]), cancellationToken);
        await WriteShardAsync(Path.Combine(shards, "oracle-pool.shard"), ShardLabelKind.Hard, splits.Pool, distinct,
            i => ShardSample.Hard(splits.Pool.Image(i).ToArray(), splits.Pool.Labels[i]), cancellationToken); // true labels count as gold

        var naive = Job(roundJob, roundId, Recipes.Naive, "naive-pool.shard");
        var oracle = Job(roundJob, roundId, Recipes.Supervised, "oracle-pool.shard");
        var steps = ablation ? AblationSteps.ToTrain(roundJob.Hyperparameters) : [];
        if (steps.Count > 0) await DownloadShardsAsync(roundJob.Shards, shards, cancellationToken);
        var stepJobs = steps.Select((step, i) => roundJob with
        {
            JobId = $"{roundId}-ablation-{i + 1}",
            OutputVersion = $"{roundId}-ablation-{i + 1}",
            Hyperparameters = step.Hyperparameters,
        }).ToArray();

        // Two jobs side by side, a core each, rather than one after the other with two: the small student scales poorly.
        var perJob = Math.Max(1, threads / 2);
        await Parallel.ForEachAsync(new[] { naive, oracle }.Concat(stepJobs),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads / perJob), CancellationToken = cancellationToken },
            async (job, ct) => await TrainAsync(job, shards, models, perJob, ct));
        return new Trained(Path.Combine(models, naive.OutputVersion!), Path.Combine(models, oracle.OutputVersion!),
            [.. steps.Zip(stepJobs, (step, job) => (step.Name, Path.Combine(models, job.OutputVersion!)))]);
    }

    /// <summary>The round's shards, under the same names, so its job's shard list reads them from the folder.</summary>
    private async Task DownloadShardsAsync(IEnumerable<string> names, string folder, CancellationToken cancellationToken)
    {
        var container = storage.Blobs.GetBlobContainerClient(layout.Shards);
        foreach (var name in names)
        {
            var path = Path.GetFullPath(Path.Combine(folder, name));
            if (!path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new InvalidDataException($"The round's shard name '{name}' leaves the shard folder.");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await container.GetBlobClient(name).DownloadToAsync(path, cancellationToken);
        }
    }

    private async Task<TrainingJob> RoundJobAsync(string roundId, CancellationToken cancellationToken)
    {
        var blob = TrainingSubmitter.JobBlob(roundId, 1);
        var json = await storage.Blobs.GetBlobContainerClient(layout.Runs).GetBlobClient(blob).DownloadContentAsync(cancellationToken);
        return TrainingJobJson.Deserialize(json.Value.Content.ToString(), $"{layout.Runs}/{blob}");
    }

    private static TrainingJob Job(TrainingJob round, string roundId, string recipe, string poolShard) => round with
    {
        JobId = $"{roundId}-{recipe}",
        OutputVersion = $"{roundId}-{recipe}",
        Recipe = recipe,
        Shards = ["gold.shard", poolShard],
        Teacher = recipe == Recipes.Supervised ? null : round.Teacher,
        Hyperparameters = round.Hyperparameters with { ClassThresholds = null },
    };

    private async Task TrainAsync(TrainingJob job, string shards, string models, int threads, CancellationToken cancellationToken)
    {
        var path = Path.Combine(shards, $"{job.JobId}.json");
        await File.WriteAllTextAsync(path, TrainingJobJson.Serialize(job), cancellationToken);
        await CrashRetry.ExecuteAsync(async ct => await trainer.RunAsync(job.Recipe,
            ["train", "--job", path, "--shards", shards, "--out", models, "--device", "cpu", "--threads", $"{threads}"], ct), cancellationToken);
    }

    private static async Task WriteShardAsync(string path, ShardLabelKind kind, LabelledImages images, IReadOnlyList<int> indices,
        Func<int, ShardSample> sample, CancellationToken cancellationToken)
    {
        await using var file = File.Create(path);
        var header = new ShardHeader(indices.Count, images.Channels, images.Height, images.Width, FashionMnist.ClassNames.Count, kind);
        await ShardWriter.WriteAllAsync(file, header, Path.GetFileName(path), indices.Select(sample), cancellationToken);
    }
}
