using SelfTrain.Core.Data;
using SelfTrain.Core.Shards;
using SelfTrain.Core.Training;

namespace SelfTrain.Benchmarks;

/// <summary>
/// The job behind the benchmarks' small student: the default 28 px network trained two epochs on 2,000 labelled
/// Fashion-MNIST images, written as a job file and its one shard for <c>SelfTrain.Trainer train</c>.
/// </summary>
internal static class StudentJob
{
    public const string Version = "bench-student-28px";
    private const string Shard = "gold.shard";
    private const int Images = 2_000;

    public static async Task<object> WriteAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        var train = FashionMnist.LoadTrain();
        await using (var file = File.Create(Path.Combine(directory, Shard)))
        {
            var writer = await ShardWriter.CreateAsync(file, new ShardHeader(Images, 1, train.Height, train.Width, FashionMnist.ClassNames.Count, ShardLabelKind.Hard), Shard);
            for (var i = 0; i < Images; i++) await writer.WriteAsync(ShardSample.Hard(train.Image(i).ToArray(), train.Labels[i]));
            await writer.CompleteAsync();
        }
        var job = new TrainingJob
        {
            JobId = Version,
            Shards = [Shard],
            Classes = FashionMnist.ClassNames,
            Recipe = Recipes.Supervised,
            Architecture = "small-cnn",
            InputSize = train.Width,
            OutputVersion = Version,
            Hyperparameters = new RecipeHyperparameters { Epochs = 2 },
        };
        await File.WriteAllTextAsync(Path.Combine(directory, "job.json"), TrainingJobJson.Serialize(job));
        return new { job = Path.Combine(directory, "job.json"), version = Version };
    }
}
