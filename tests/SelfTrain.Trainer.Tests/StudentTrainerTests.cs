using System.Diagnostics.Metrics;
using SelfTrain.Core.Data;
using SelfTrain.Core.Models;
using SelfTrain.Core.Shards;
using SelfTrain.Core.Telemetry;
using SelfTrain.Core.Training;
using SelfTrain.Trainer.Commands;
using SelfTrain.Trainer.Training;

namespace SelfTrain.Trainer.Tests;

/// <summary>The training loop end to end on a little real data: reproducible, recorded in the manifest, and strict about its shards.</summary>
public sealed class StudentTrainerTests
{
    private static readonly Lazy<LabelledImages> Train = new(() => FashionMnist.LoadTrain());

    /// <summary>200 gold images and 600 pool images whose soft label leans 80% to the true class.</summary>
    private static List<ShardSample> Samples()
    {
        var train = Train.Value;
        return Enumerable.Range(0, 800).Select(i =>
        {
            if (i < 200) return ShardSample.Hard(train.Image(i).ToArray(), train.Labels[i]);
            var p = Enumerable.Repeat(0.2f / 9, 10).ToArray();
            p[train.Labels[i]] = 0.8f;
            return ShardSample.Soft(train.Image(i).ToArray(), p);
        }).ToList();
    }

    private static TrainingJob Job(string recipe = Recipes.NoisyStudent) => new()
    {
        JobId = "job-1",
        Shards = ["gold.shard", "pool.shard"],
        Classes = FashionMnist.ClassNames,
        Teacher = new TeacherReference("teacher-a"),
        DataSnapshot = "round-1",
        Recipe = recipe,
        Architecture = "small-cnn",
        InputSize = 28,
        Seed = 5,
        OutputVersion = "candidate-1",
        Hyperparameters = new RecipeHyperparameters { Epochs = 2, BatchSize = 64, HeldBackShare = 0.25, Augmentation = new() { Flips = true } },
    };

    private static readonly TrainerOptions Cpu = new() { Device = "cpu", Threads = 1 };

    [Fact]
    public void Same_seed_gives_the_same_model_and_manifest_records_the_lineage()
    {
        var samples = Samples();
        var first = new StudentTrainer(Cpu).Train(Job(), samples);
        var second = new StudentTrainer(Cpu).Train(Job(), samples);
        Assert.Equal(first.Onnx, second.Onnx);

        var manifest = first.Manifest;
        Assert.Equal("candidate-1", manifest.Version);
        Assert.Equal(OutputKind.Probabilities, manifest.Output.Kind);
        Assert.Equal("teacher-a", manifest.Lineage!.Teacher);
        Assert.Equal("round-1", manifest.Lineage.DataSnapshot);
        Assert.Equal("noisy-student", manifest.Lineage.Recipe);
        Assert.Equal("5", manifest.Lineage.Hyperparameters["seed"]);
        Assert.Equal([1, 2], manifest.Lineage.TrainingCurve.Select(e => e.Epoch));
        Assert.All(manifest.Lineage.TrainingCurve, e => Assert.True(e.Loss > 0 && e.ImagesPerSecond > 0));
        // 50 held-back gold images; two short epochs already beat guessing by far.
        Assert.True(manifest.Lineage.TrainingCurve[^1].HeldOutAccuracy > 0.4, $"{manifest.Lineage.TrainingCurve[^1].HeldOutAccuracy}");
        Assert.Empty(ModelManifestJson.Deserialize(ModelManifestJson.Serialize(manifest), "manifest").Problems());
    }

    [Fact]
    public void Each_epoch_s_throughput_is_measured_with_the_network_and_device()
    {
        var points = new List<(double ImagesPerSecond, string? Architecture, string? Device)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SelfTrainTelemetry.Name && instrument.Name == "selftrain.training.throughput") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            string? architecture = null, device = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "selftrain.architecture") architecture = tag.Value?.ToString();
                if (tag.Key == "selftrain.device") device = tag.Value?.ToString();
            }
            lock (points) points.Add((value, architecture, device));
        });
        listener.Start();

        var manifest = new StudentTrainer(Cpu).Train(Job(), Samples()).Manifest;
        listener.Dispose();

        // Other tests train in this process too: this job's two epochs are the points whose values its curve recorded.
        var curve = manifest.Lineage!.TrainingCurve.Select(e => e.ImagesPerSecond).ToArray();
        lock (points)
        {
            var mine = points.Where(p => curve.Contains(p.ImagesPerSecond)).ToArray();
            Assert.Equal(2, mine.Length);
            Assert.All(mine, p => Assert.Equal(("small-cnn", "CPU"), (p.Architecture, p.Device)));
        }
    }

    [Fact]
    public void With_ema_decay_the_job_exports_the_averaged_weights_and_records_the_decay()
    {
        var samples = Samples();
        var last = new StudentTrainer(Cpu).Train(Job() with { Hyperparameters = Job().Hyperparameters with { EmaDecay = null } }, samples);
        var averaged = new StudentTrainer(Cpu).Train(Job() with { Hyperparameters = Job().Hyperparameters with { EmaDecay = 0.99 } }, samples);
        Assert.NotEqual(last.Onnx, averaged.Onnx);
        Assert.Equal("none", last.Manifest.Lineage!.Hyperparameters["emaDecay"]);
        Assert.Equal("0.99", averaged.Manifest.Lineage!.Hyperparameters["emaDecay"]);
        Assert.True(averaged.Manifest.Lineage.TrainingCurve[^1].HeldOutAccuracy > 0.4, $"{averaged.Manifest.Lineage.TrainingCurve[^1].HeldOutAccuracy}");
    }

    [Fact]
    public void Another_seed_gives_another_model()
    {
        var samples = Samples();
        var job = Job(Recipes.Naive) with { Hyperparameters = Job().Hyperparameters with { Epochs = 1 } };
        var first = new StudentTrainer(Cpu).Train(job, samples);
        var second = new StudentTrainer(Cpu).Train(job with { Seed = 6 }, samples);
        Assert.NotEqual(first.Onnx, second.Onnx);
    }

    [Fact]
    public async Task A_missing_shard_or_a_class_count_mismatch_fails_the_job_and_writes_no_model()
    {
        var directory = Directory.CreateTempSubdirectory("selftrain-job-").FullName;
        try
        {
            var models = Path.Combine(directory, "models");
            Directory.CreateDirectory(models);
            await using (var file = File.Create(Path.Combine(directory, "gold.shard")))
            {
                var writer = await ShardWriter.CreateAsync(file, new ShardHeader(1, 1, 28, 28, 5, ShardLabelKind.Hard), "gold.shard");
                await writer.WriteAsync(ShardSample.Hard(new byte[784], 2));
                await writer.CompleteAsync();
            }
            var job = Path.Combine(directory, "job.json");
            await File.WriteAllTextAsync(job, TrainingJobJson.Serialize(Job()));
            // The command's own action, without the exit-code mapping, so the exception itself is seen.
            var train = TrainCommand.Create(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance)
                .Parse(["--job", job, "--shards", directory, "--out", models]);
            Task Run() => train.InvokeAsync(new System.CommandLine.InvocationConfiguration { EnableDefaultExceptionHandler = false });

            var mismatch = await Assert.ThrowsAsync<ShardFormatException>(Run);
            Assert.Equal("Shard 'gold.shard' holds 1×28×28 images of 5 classes; the job expects 1×28×28 images of 10 classes.", mismatch.Message);

            await File.WriteAllTextAsync(job, TrainingJobJson.Serialize(Job() with { Shards = ["absent.shard"] }));
            var missing = await Assert.ThrowsAsync<ShardFormatException>(Run);
            Assert.Equal("Shard 'absent.shard' is missing.", missing.Message);

            Assert.Empty(Directory.EnumerateFileSystemEntries(models));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
