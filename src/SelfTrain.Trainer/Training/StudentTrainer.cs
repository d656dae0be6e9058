using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SelfTrain.Core.Models;
using SelfTrain.Core.Shards;
using SelfTrain.Core.Telemetry;
using SelfTrain.Core.Training;
using SelfTrain.Trainer.Export;
using SelfTrain.Trainer.Students;
using TorchSharp;
using static TorchSharp.torch;

namespace SelfTrain.Trainer.Training;

/// <summary>
/// Trains the student a job names on its samples with the job's recipe and returns the exported model and its
/// manifest. One loop serves every recipe: each batch is a set of samples with a target distribution (one-hot for
/// hard labels), trained with weighted soft cross-entropy, AdamW and a cosine learning-rate schedule; with
/// <see cref="RecipeHyperparameters.EmaDecay"/> the job exports the moving average of the weights.
/// </summary>
public sealed class StudentTrainer(TrainerOptions? options = null, ILogger? logger = null, TimeProvider? clock = null)
{
    private readonly TrainerOptions _options = options ?? new TrainerOptions();
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Reads the job's shards (see <see cref="JobShards"/>) and trains: the whole job for a runner.</summary>
    /// <param name="openShard">Opens a shard by blob name; null when it does not exist.</param>
    public async Task<TrainingResult> TrainAsync(TrainingJob job, Func<string, CancellationToken, Task<Stream?>> openShard,
        CancellationToken cancellationToken = default)
    {
        var samples = await JobShards.LoadAsync(job, openShard, cancellationToken).ConfigureAwait(false);
        return Train(job, samples, cancellationToken);
    }

    public TrainingResult Train(TrainingJob job, IReadOnlyList<ShardSample> samples, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        job.EnsureValid();
        var hp = job.Hyperparameters;
        var classCount = job.Classes.Count;
        var (channels, size) = (job.Channels, job.InputSize);

        torch.set_num_threads(_options.Threads);
        torch.manual_seed(job.Seed);
        var random = new Random(job.Seed);
        var device = ComputeDevice.Select(_options.Device);

        var set = TrainingSet.Build(job.Recipe, hp, samples, classCount, random);
        var normalization = NormalizationOf(samples, set);
        var noisy = job.Recipe != Recipes.Naive;
        var augmenter = new Augmenter(noisy ? hp.Augmentation : null, normalization, channels, size, size);
        var goldShare = job.Recipe == Recipes.NoisyStudent && set.Pool.Length > 0 && set.Gold.Length > 0 ? hp.GoldShare : 0;
        _logger.LogInformation(
            "Job {JobId}: recipe {Recipe}, {Architecture} at {Size} px on {Device}; {Gold} gold, {Pool} pool, {Rejected} below thresholds, {HeldBack} held back",
            job.JobId, job.Recipe, job.Architecture, size, device.type, set.Gold.Length, set.Pool.Length, set.RejectedByThreshold.Length, set.HeldBack.Length);

        if (set.Pool.Length > 0)
            _logger.LogInformation("Pool images per teacher class: {PerClass}", string.Join(", ",
                Enumerable.Range(0, classCount).Select(c => $"{job.Classes[c]} {set.Pool.Count(i => samples[i].TopClass == c)}")));

        using var student = StudentFactory.Create(job.Architecture, channels, size, classCount, noisy ? hp.Dropout : 0);
        student.to(device);
        var batchesPerEpoch = BatchesPerEpoch(set, hp, goldShare);
        var totalSteps = hp.Epochs * batchesPerEpoch;
        using var optimizer = optim.AdamW(student.parameters(), hp.LearningRate, weight_decay: hp.WeightDecay);
        using var average = noisy && hp.EmaDecay is { } decay ? new WeightAverage(student, hp.Dropout, decay) : null;
        var exported = average?.Averaged ?? student;

        var curve = new List<EpochRecord>();
        var goldStream = new CyclingSampler(set.Gold, random);
        var step = 0;
        for (var epoch = 1; epoch <= hp.Epochs; epoch++)
        {
            student.train();
            var batches = PlanEpoch(set, hp, goldShare, goldStream, random);
            var watch = Stopwatch.StartNew();
            double lossSum = 0;
            var images = 0;
            foreach (var batch in batches)
            {
                cancellationToken.ThrowIfCancellationRequested();
                SetLearningRate(optimizer, hp.LearningRate, step++, totalSteps);
                lossSum += TrainStep(student, optimizer, set, batch, augmenter, random, device, classCount) * batch.Length;
                average?.Update();
                images += batch.Length;
            }
            watch.Stop();
            var record = new EpochRecord(epoch, lossSum / Math.Max(images, 1), Evaluate(exported, set, normalization, device, channels, size),
                images / Math.Max(watch.Elapsed.TotalSeconds, 1e-9));
            curve.Add(record);
            _logger.LogInformation("Epoch {Epoch}/{Epochs}: loss {Loss:F4}, held-back accuracy {Accuracy:P2}, {ImagesPerSecond:F0} images/s",
                epoch, hp.Epochs, record.Loss, record.HeldOutAccuracy, record.ImagesPerSecond);
            SelfTrainTelemetry.TrainingThroughput.Record(record.ImagesPerSecond, new KeyValuePair<string, object?>("selftrain.architecture", job.Architecture),
                new KeyValuePair<string, object?>("selftrain.device", device.type.ToString()));
        }

        exported.eval();
        exported.to(CPU);
        var onnx = OnnxExporter.Export(exported);
        return new TrainingResult(onnx, Manifest(job, normalization, curve, exported.EmbeddingDimensions));
    }

    private int BatchesPerEpoch(TrainingSet set, RecipeHyperparameters hp, double goldShare)
    {
        // The epoch size depends only on class sizes, so a throw-away Random leaves the job's stream untouched.
        var poolEpoch = set.Pool.Length == 0 ? 0 : set.PoolEpoch(hp.Balance, new Random(0), hp.MaxOversampling ?? double.PositiveInfinity).Length;
        var poolPerBatch = hp.BatchSize - (int)Math.Round(hp.BatchSize * goldShare);
        var batches = poolEpoch > 0 ? (poolEpoch + poolPerBatch - 1) / poolPerBatch : (set.Gold.Length + hp.BatchSize - 1) / hp.BatchSize;
        return Math.Min(batches, _options.MaxBatchesPerEpoch ?? int.MaxValue);
    }

    /// <summary>The batches of one epoch: a pass over the (balanced) pool with gold mixed in at its share, or a pass over the gold.</summary>
    private List<int[]> PlanEpoch(TrainingSet set, RecipeHyperparameters hp, double goldShare, CyclingSampler goldStream, Random random)
    {
        var batches = new List<int[]>();
        if (set.Pool.Length > 0)
        {
            var gold = (int)Math.Round(hp.BatchSize * goldShare);
            var poolPerBatch = hp.BatchSize - gold;
            var pool = set.PoolEpoch(hp.Balance, random, hp.MaxOversampling ?? double.PositiveInfinity);
            for (var start = 0; start < pool.Length; start += poolPerBatch)
            {
                var batch = pool[start..Math.Min(start + poolPerBatch, pool.Length)].ToList();
                for (var k = 0; k < gold; k++) batch.Add(goldStream.Next());
                batches.Add([.. batch]);
            }
        }
        else
        {
            var gold = set.Gold.ToArray();
            random.Shuffle(gold);
            batches.AddRange(gold.Chunk(hp.BatchSize));
        }
        var max = _options.MaxBatchesPerEpoch ?? int.MaxValue;
        return batches.Count > max ? batches[..max] : batches;
    }

    private static double TrainStep(StudentNetwork student, optim.Optimizer optimizer, TrainingSet set, int[] batch, Augmenter augmenter,
        Random random, Device device, int classCount)
    {
        using var scope = NewDisposeScope();
        var (channels, size) = (student.Channels, student.InputSize);
        var imageValues = channels * size * size;
        var inputs = new float[batch.Length * imageValues];
        var targets = new float[batch.Length * classCount];
        var weights = new float[batch.Length];
        for (var b = 0; b < batch.Length; b++)
        {
            var sample = set.Samples[batch[b]];
            augmenter.Write(sample.Pixels, inputs.AsSpan(b * imageValues, imageValues), random);
            set.Targets[batch[b]].CopyTo(targets.AsSpan(b * classCount, classCount));
            weights[b] = sample.Weight;
        }
        var x = tensor(inputs, [batch.Length, channels, size, size], device: device);
        var q = tensor(targets, [batch.Length, classCount], device: device);
        var w = tensor(weights, [batch.Length], device: device);

        optimizer.zero_grad();
        var logProbabilities = nn.functional.log_softmax(student.call(x), 1);
        var perSample = -(q * logProbabilities).sum(1);
        var loss = (perSample * w).sum() / w.sum().clamp_min(1e-6);
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }

    /// <summary>Accuracy on the held-back slice against each sample's top label; NaN when nothing is held back.</summary>
    public static double Evaluate(StudentNetwork student, TrainingSet set, Normalization normalization, Device device, int channels, int size)
    {
        if (set.HeldBack.Length == 0) return double.NaN;
        student.eval();
        var pixels = set.HeldBack.SelectMany(i => set.Samples[i].Pixels).ToArray();
        var labels = set.HeldBack.Select(i => set.Samples[i].TopClass).ToArray();
        var predicted = Predict(student, pixels, labels.Length, normalization, device, channels, size);
        return predicted.Where((p, i) => p == labels[i]).Count() / (double)labels.Length;
    }

    /// <summary>The argmax class of each of <paramref name="count"/> images (CHW bytes each), in eval mode.</summary>
    public static int[] Predict(StudentNetwork student, byte[] pixels, int count, Normalization normalization, Device device, int channels, int size)
    {
        student.eval();
        var result = new int[count];
        using var _ = no_grad();
        foreach (var chunk in Enumerable.Range(0, count).Chunk(500))
        {
            using var scope = NewDisposeScope();
            var x = normalization.ToTensor(pixels, chunk, channels, size, size).to(device);
            var argmax = student.call(x).argmax(1).cpu().data<long>().ToArray();
            for (var i = 0; i < chunk.Length; i++) result[chunk[i]] = (int)argmax[i];
        }
        return result;
    }

    private static void SetLearningRate(optim.Optimizer optimizer, double peak, int step, int totalSteps)
    {
        var rate = 0.5 * peak * (1 + Math.Cos(Math.PI * step / Math.Max(totalSteps, 1)));
        foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
    }

    private static Normalization NormalizationOf(IReadOnlyList<ShardSample> samples, TrainingSet set)
    {
        // Up to 5,000 training samples, taken evenly: enough for stable statistics.
        var used = set.Gold.Concat(set.Pool).Order().ToArray();
        var stride = Math.Max(1, used.Length / 5000);
        var pixels = used.Where((_, k) => k % stride == 0).SelectMany(i => samples[i].Pixels).ToArray();
        return Normalization.Of(pixels);
    }

    private ModelManifest Manifest(TrainingJob job, Normalization normalization, IReadOnlyList<EpochRecord> curve, int embeddingDimensions)
    {
        var hyperparameters = new Dictionary<string, string>(job.Hyperparameters.ToLineage())
        {
            ["seed"] = job.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["inputSize"] = job.InputSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var metrics = new Dictionary<string, double>();
        if (curve.Count > 0 && !double.IsNaN(curve[^1].HeldOutAccuracy)) metrics["heldBackAccuracy"] = curve[^1].HeldOutAccuracy;
        return new ModelManifest
        {
            Version = job.OutputVersion,
            Classes = job.Classes,
            Input = new ModelInput
            {
                TensorName = OnnxExporter.InputName,
                Width = job.InputSize,
                Height = job.InputSize,
                ColorOrder = job.Channels == 1 ? ColorOrder.Gray : ColorOrder.Rgb,
                PixelScale = 1f / 255f,
                Mean = [normalization.Mean],
                Std = [normalization.Std],
            },
            Output = new ModelOutput { TensorName = OnnxExporter.OutputName, Kind = OutputKind.Probabilities },
            Embedding = new ModelEmbedding { TensorName = OnnxExporter.EmbeddingName, Dimensions = embeddingDimensions },
            CreatedAt = _clock.GetUtcNow(),
            Lineage = new ModelLineage
            {
                Teacher = job.Teacher?.Version,
                DataSnapshot = job.DataSnapshot,
                Recipe = job.Recipe,
                Architecture = job.Architecture,
                Hyperparameters = hyperparameters,
                TrainingCurve = curve,
            },
            Metrics = metrics,
        }.EnsureValid();
    }
}
