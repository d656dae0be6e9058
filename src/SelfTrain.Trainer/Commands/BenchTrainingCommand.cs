using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SelfTrain.Core.Data;
using SelfTrain.Core.Shards;
using SelfTrain.Core.Training;
using SelfTrain.Trainer.Students;
using SelfTrain.Trainer.Training;
using TorchSharp;

namespace SelfTrain.Trainer.Commands;

/// <summary>
/// `bench-training [--architecture A] [--batches N] [--threads T]`: student training throughput on real
/// Fashion-MNIST with the noisy-student recipe and its augmentation, printed as one JSON line. Two epochs of N
/// batches run; the second one is reported, so libtorch's first-use costs are left out.
/// </summary>
public static class BenchTrainingCommand
{
    public static Command Create()
    {
        var architecture = new Option<string>("--architecture") { Description = "the student network", DefaultValueFactory = _ => StudentDefaults.Architecture(FashionMnist.ImageSize, channels: 1) };
        architecture.AcceptOnlyFromAmong([.. StudentFactory.Architectures]);
        var batches = CommonOptions.Positive("--batches", "batches per measured epoch", 60);
        var threads = CommonOptions.Threads();
        var command = new Command("bench-training", "Measures student training throughput on Fashion-MNIST; prints one JSON line.") { architecture, batches, threads };
        command.SetAction(parse => Run(parse.GetValue(architecture)!, parse.GetValue(batches), parse.GetValue(threads)));
        return command;
    }

    private static int Run(string architecture, int batches, int threads)
    {
        var train = FashionMnist.LoadTrain();

        // 2,000 gold images with their labels, 20,000 pool images with a soft label (throughput does not depend on its values).
        var samples = new List<ShardSample>();
        for (var i = 0; i < 22_000; i++)
        {
            var pixels = train.Image(i).ToArray();
            if (i < 2_000) samples.Add(ShardSample.Hard(pixels, train.Labels[i]));
            else
            {
                var probabilities = Enumerable.Repeat(0.02f, 10).ToArray();
                probabilities[train.Labels[i]] = 0.82f;
                samples.Add(ShardSample.Soft(pixels, probabilities));
            }
        }
        var job = new TrainingJob
        {
            JobId = "bench-training",
            Shards = ["in-memory"],
            Classes = FashionMnist.ClassNames,
            Teacher = new TeacherReference("bench-teacher"),
            Recipe = Recipes.NoisyStudent,
            Architecture = architecture,
            InputSize = FashionMnist.ImageSize,
            OutputVersion = "bench",
            Hyperparameters = new RecipeHyperparameters
            {
                Epochs = 2,
                HeldBackShare = 0.05,
                Augmentation = new AugmentationOptions { Flips = true },
            },
        };
        var total = Stopwatch.StartNew();
        var result = new StudentTrainer(new TrainerOptions { Device = "cpu", Threads = threads, MaxBatchesPerEpoch = batches }).Train(job, samples);
        var measured = result.Manifest.Lineage!.TrainingCurve[^1];
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "training",
            architecture,
            recipe = job.Recipe,
            imagesPerSecond = Math.Round(measured.ImagesPerSecond, 1),
            batchSize = job.Hyperparameters.BatchSize,
            imagesMeasured = batches * job.Hyperparameters.BatchSize,
            augmentation = "shift2 flip erase0.5",
            inputSize = job.InputSize,
            threads,
            device = "cpu",
            libtorch = torch.__version__,
            wallSeconds = Math.Round(total.Elapsed.TotalSeconds, 1),
        }));
        return 0;
    }
}
