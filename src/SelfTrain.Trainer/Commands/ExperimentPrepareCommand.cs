using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SelfTrain.Core.Data;
using SelfTrain.Core.Evaluation;
using SelfTrain.Core.Shards;
using SelfTrain.Core.Training;
using SelfTrain.Inference;
using SelfTrain.Trainer.Evaluation;
using SelfTrain.Trainer.Experiments;
using SelfTrain.Trainer.Teacher;

namespace SelfTrain.Trainer.Commands;

/// <summary>
/// `experiment-prepare --work DIR [--gold 2000] [--pool N] [--teacher-size 64] [--precision 0.9] [--temperature T] [--epochs 10] [--seed 1]`:
/// the first half of the "can B beat A" experiment on Fashion-MNIST. Draws the gold images from the training set,
/// trains model A on them, lets A label the other training images, calibrates per-class thresholds on A's
/// out-of-fold probabilities for the gold images (and reports the temperature that would calibrate them), writes the gold and pool shards, one training job per recipe and
/// A's accuracy on the 10,000 test images (DIR/teacher.json). The jobs then run with `train`, and `evaluate` scores them.
/// </summary>
public static class ExperimentPrepareCommand
{
    public static Command Create()
    {
        var workOption = CommonOptions.RequiredPath("--work", "the experiment's folder");
        var goldOption = CommonOptions.Positive("--gold", "gold images drawn from the training set", 2000);
        var poolOption = new Option<int?>("--pool") { Description = "pool images A labels, drawn after the gold (default: all the other training images)" };
        CommonOptions.Require(poolOption, value => value is null or > 0, "--pool must be positive.");
        var sizeOption = CommonOptions.Positive("--teacher-size", "model A's input size in pixels", 64);
        var precisionOption = CommonOptions.Fraction("--precision", "precision the per-class thresholds aim for", 0.9);
        var temperatureOption = new Option<double>("--temperature") { Description = "softening of A's probabilities in the jobs", DefaultValueFactory = _ => 1.0 };
        CommonOptions.Require(temperatureOption, value => value is > 0 and <= 100, "--temperature must be in (0, 100].");
        var epochsOption = CommonOptions.Positive("--epochs", "training epochs of each job", 10);
        var seedOption = new Option<int>("--seed") { Description = "seed of the gold draw, model A and the jobs", DefaultValueFactory = _ => 1 };
        var threadsOption = CommonOptions.Threads();
        var command = new Command("experiment-prepare", "Prepares the can-B-beat-A experiment: model A, its labels, shards and one job per recipe.")
        {
            workOption, goldOption, poolOption, sizeOption, precisionOption, temperatureOption, epochsOption, seedOption, threadsOption,
        };
        command.SetAction((parse, _) => RunAsync(parse.GetValue(workOption)!, parse.GetValue(goldOption), parse.GetValue(poolOption), parse.GetValue(sizeOption), parse.GetValue(precisionOption),
            parse.GetValue(temperatureOption), parse.GetValue(epochsOption), parse.GetValue(seedOption), parse.GetValue(threadsOption)));
        return command;
    }

    private static async Task<int> RunAsync(string work, int goldCount, int? poolCount, int size, double precision, double temperature, int epochs, int seed, int threads)
    {
        Directory.CreateDirectory(Path.Combine(work, "shards"));
        Directory.CreateDirectory(Path.Combine(work, "models"));
        var watch = Stopwatch.StartNew();
        void Log(string message) => Console.Error.WriteLine($"[{watch.Elapsed:hh\\:mm\\:ss}] {message}");

        var train = FashionMnist.LoadTrain();
        var test = FashionMnist.LoadTest();
        var order = Enumerable.Range(0, train.Count).ToArray();
        new Random(seed).Shuffle(order);
        var gold = train.Select(order[..goldCount]);
        var pool = train.Select(order[goldCount..Math.Min(train.Count, goldCount + (poolCount ?? train.Count))]);

        var teacher = new TransferTeacher(threads: threads);
        var features = teacher.Featurize(gold, size);
        Log($"featurized {goldCount} gold images at {size} px");
        var outOfFold = TransferTeacher.OutOfFoldProbabilities(features, gold.Labels, 10, folds: 5, seed);
        var thresholds = ConfidenceThresholds.Calibrate(outOfFold, [.. gold.Labels.Select(l => (int)l)], 10, precision).Select(t => t.Threshold).ToArray();
        // The fitted temperature is reported; the jobs use --temperature (default 1: softening did not help, docs/training.md).
        var fittedTemperature = TemperatureCalibration.Fit(outOfFold, [.. gold.Labels.Select(l => (int)l)]);
        var modelA = teacher.Train(gold, features, FashionMnist.ClassNames, size, "teacher-a", seed, $"fashion-mnist-gold-{goldCount}-seed-{seed}");
        await ModelDirectory.WriteAsync(Path.Combine(work, "models"), modelA);
        Log($"trained model A; thresholds {string.Join(" ", thresholds.Select(t => t.ToString("F3")))}; fitted temperature {fittedTemperature:F2}");

        using var classifierA = OnnxClassifier.Load(modelA.Onnx, modelA.Manifest, new InferenceOptions { IntraOpThreads = threads });
        var labelWatch = Stopwatch.StartNew();
        var testProbabilities = DatasetClassifier.Probabilities(classifierA, test);
        var accuracyA = DatasetClassifier.Accuracy(testProbabilities, test.Labels);
        Log($"model A: {accuracyA:P2} on the {test.Count} test images ({test.Count / labelWatch.Elapsed.TotalSeconds:F0} images/s)");
        labelWatch.Restart();
        var poolProbabilities = DatasetClassifier.Probabilities(classifierA, pool, progress: n => { if (n % 10_000 < 64) Log($"labelled {n} pool images"); });
        var labelRate = pool.Count / labelWatch.Elapsed.TotalSeconds;

        await WriteShardAsync(Path.Combine(work, "shards", "gold.shard"), ShardLabelKind.Hard, gold,
            i => ShardSample.Hard(gold.Image(i).ToArray(), gold.Labels[i]));
        await WriteShardAsync(Path.Combine(work, "shards", "pool.shard"), ShardLabelKind.Soft, pool,
            i => ShardSample.Soft(pool.Image(i).ToArray(), poolProbabilities[i]));

        var accepted = Enumerable.Range(0, pool.Count).Where(i =>
        {
            var top = Array.IndexOf(poolProbabilities[i], poolProbabilities[i].Max());
            return poolProbabilities[i][top] >= thresholds[top];
        }).ToArray();
        var pseudoAccuracy = DatasetClassifier.Accuracy(poolProbabilities, pool.Labels);
        var acceptedAccuracy = accepted.Count(i => Array.IndexOf(poolProbabilities[i], poolProbabilities[i].Max()) == pool.Labels[i]) / (double)Math.Max(accepted.Length, 1);

        foreach (var recipe in Recipes.All)
        {
            var job = new TrainingJob
            {
                JobId = $"experiment-{recipe}",
                Shards = ["gold.shard", "pool.shard"],
                Classes = FashionMnist.ClassNames,
                Teacher = new TeacherReference("teacher-a", "models/teacher-a/manifest.json"),
                DataSnapshot = $"fashion-mnist-gold-{goldCount}-seed-{seed}",
                Recipe = recipe,
                Architecture = "small-cnn",
                InputSize = FashionMnist.ImageSize,
                Seed = seed,
                OutputVersion = $"student-{recipe}",
                Hyperparameters = new RecipeHyperparameters
                {
                    Epochs = recipe == Recipes.Supervised ? epochs * 5 : epochs, // gold alone is 2,000 images an epoch
                    ClassThresholds = recipe == Recipes.NoisyStudent ? thresholds : null,
                    Temperature = recipe == Recipes.NoisyStudent ? temperature : 1.0,
                    Augmentation = new AugmentationOptions { Flips = true }, // clothing is mirror-symmetric
                },
            };
            await File.WriteAllTextAsync(Path.Combine(work, $"job-{recipe}.json"), TrainingJobJson.Serialize(job));
        }

        var summary = JsonSerializer.Serialize(new
        {
            experiment = "teacher",
            goldImages = goldCount,
            poolImages = pool.Count,
            teacherInputSize = size,
            teacherTestAccuracy = Math.Round(accuracyA, 4),
            teacherPoolAccuracy = Math.Round(pseudoAccuracy, 4),
            targetPrecision = precision,
            thresholds = thresholds.Select(t => Math.Round(t, 4)),
            temperature = Math.Round(temperature, 3),
            fittedTemperature = Math.Round(fittedTemperature, 3),
            acceptedPoolImages = accepted.Length,
            acceptedPseudoLabelAccuracy = Math.Round(acceptedAccuracy, 4),
            labellingImagesPerSecond = Math.Round(labelRate, 1),
            seconds = Math.Round(watch.Elapsed.TotalSeconds),
        });
        await File.WriteAllTextAsync(Path.Combine(work, "teacher.json"), summary);
        Console.WriteLine(summary);
        return 0;
    }

    private static async Task WriteShardAsync(string path, ShardLabelKind kind, LabelledImages images, Func<int, ShardSample> sample)
    {
        await using var file = File.Create(path);
        await ShardWriter.WriteAllAsync(file, new ShardHeader(images.Count, images.Channels, images.Height, images.Width, 10, kind), Path.GetFileName(path),
            Enumerable.Range(0, images.Count).Select(sample));
    }
}
