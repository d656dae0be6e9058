using System.CommandLine;
using System.Diagnostics;
using System.Numerics.Tensors;
using System.Text.Json;
using SelfTrain.Core;
using SelfTrain.Core.Data;
using SelfTrain.Core.Embeddings;
using SelfTrain.Core.Evaluation;
using SelfTrain.Trainer.Evaluation;
using SelfTrain.Trainer.Teacher;

namespace SelfTrain.Trainer.Commands;

/// <summary>
/// `experiment-propagation [--gold 2000] [--pool 20000] [--teacher-size 64] [--precision 0.95] [--seeds 1 2 3] [--margins 0.5]`: what
/// label propagation over the embedding view adds to the teacher's pseudo-labels, measured against the pool's truth.
/// Per seed, gold/train and the pool are drawn from the training set (seed 0: the demo's draw, the images in order;
/// gold/validation is the first 5,000 test images, as in the demo); model A is trained on gold/train; its 512 ResNet18 features — the embedding model A serves — of
/// gold/train, gold/validation and the pool form one k-NN graph; gold/train is seeded one-hot, the rest with A's
/// probabilities; per-class thresholds are calibrated on gold/validation for A alone and for the propagated scores,
/// each at the target precision with each margin. One JSON line per seed, margin and class: coverage (accepted / predicted as the class) and
/// measured precision of the accepted pool pseudo-labels, teacher alone and with propagation.
/// </summary>
public static class ExperimentPropagationCommand
{
    private const int ValidationImages = 5000, Classes = 10;

    public static Command Create()
    {
        var goldOption = CommonOptions.Positive("--gold", "gold/train images drawn from the training set", 2000);
        var poolOption = CommonOptions.Positive("--pool", "pool images drawn from the rest of it", 20_000);
        var sizeOption = CommonOptions.Positive("--teacher-size", "model A's input size in pixels", 64);
        var precisionOption = CommonOptions.Fraction("--precision", "precision the per-class thresholds aim for", 0.95);
        var seedsOption = new Option<int[]>("--seeds") { Description = "one draw and model A per seed; 0 is the demo's draw (the images in order)", DefaultValueFactory = _ => [1, 2, 3], AllowMultipleArgumentsPerToken = true };
        var neighboursOption = CommonOptions.Positive("--neighbours", "k of the k-NN graph", new LabelPropagation().Neighbours);
        var threadsOption = CommonOptions.Threads();
        var marginsOption = new Option<double[]>("--margins")
        {
            Description = "the thresholds' precision margins, in standard errors; one set of lines per margin",
            DefaultValueFactory = _ => [ConfidenceThresholds.DefaultMarginZ], AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("experiment-propagation", "Measures label propagation over the embedding view against the teacher's pseudo-labels alone.")
        {
            goldOption, poolOption, sizeOption, precisionOption, seedsOption, neighboursOption, threadsOption, marginsOption,
        };
        command.SetAction(parse => Run(parse.GetValue(goldOption), parse.GetValue(poolOption), parse.GetValue(sizeOption), parse.GetValue(precisionOption),
            parse.GetValue(seedsOption)!, parse.GetValue(neighboursOption), parse.GetValue(threadsOption), parse.GetValue(marginsOption)!));
        return command;
    }

    private static int Run(int goldCount, int poolCount, int size, double precision, int[] seeds, int neighbours, int threads, double[] margins)
    {
        var train = FashionMnist.LoadTrain();
        if (goldCount + poolCount > train.Count) throw new ArgumentException($"--gold and --pool together take at most {train.Count} images.");
        var validation = FashionMnist.LoadTest().Select([.. Enumerable.Range(0, ValidationImages)]);
        var teacher = new TransferTeacher(threads: threads);
        var watch = Stopwatch.StartNew();
        void Log(string message) => Console.Error.WriteLine($"[{watch.Elapsed:hh\\:mm\\:ss}] {message}");
        var validationFeatures = teacher.Featurize(validation, size);
        var propagation = new LabelPropagation { Neighbours = neighbours };

        foreach (var seed in seeds)
        {
            // Seed 0 is the demo's draw: the training images in order, and model A's head seeded as the demo's teacher is.
            var order = Enumerable.Range(0, train.Count).ToArray();
            if (seed != 0) new Random(seed).Shuffle(order);
            var gold = train.Select(order[..goldCount]);
            var pool = train.Select(order[goldCount..(goldCount + poolCount)]);
            var goldFeatures = teacher.Featurize(gold, size);
            var poolFeatures = teacher.Featurize(pool, size);
            var (weights, biases) = LinearHead.Train(goldFeatures, [.. gold.Labels.Select(l => (int)l)], Classes, seed == 0 ? 1 : seed);
            var validationTeacher = validationFeatures.Select(f => TransferTeacher.Probabilities(f, weights, biases)).ToArray();
            var poolTeacher = poolFeatures.Select(f => TransferTeacher.Probabilities(f, weights, biases)).ToArray();
            Log($"seed {seed}: model A trained, {goldCount + ValidationImages + poolCount} images featurized");

            // Nodes: gold/train, then gold/validation, then the pool.
            var features = goldFeatures.Concat(validationFeatures).Concat(poolFeatures).ToArray();
            var set = new EmbeddingSet("resnet18", features[0].Length, [.. Enumerable.Range(0, features.Length).Select(i => $"{i}")], [.. features.SelectMany(f => f)]);
            var seedsMatrix = new float[features.Length * Classes];
            for (var i = 0; i < goldCount; i++) seedsMatrix[i * Classes + gold.Labels[i]] = 1;
            for (var i = 0; i < ValidationImages; i++) validationTeacher[i].CopyTo(seedsMatrix, (goldCount + i) * Classes);
            for (var i = 0; i < poolCount; i++) poolTeacher[i].CopyTo(seedsMatrix, (goldCount + ValidationImages + i) * Classes);
            var propagationWatch = Stopwatch.StartNew();
            var scores = propagation.Propagate(NeighbourGraph.Build(set, propagation.Neighbours), seedsMatrix, Classes);
            var propagationSeconds = propagationWatch.Elapsed.TotalSeconds;
            float[] Scores(int node) => scores[(node * Classes)..((node + 1) * Classes)];
            var validationPropagated = Enumerable.Range(goldCount, ValidationImages).Select(Scores).ToArray();
            var poolPropagated = Enumerable.Range(goldCount + ValidationImages, poolCount).Select(Scores).ToArray();
            Log($"seed {seed}: propagated over {features.Length} images in {propagationSeconds:F1} s");

            var truth = validation.Labels.Select(l => (int)l).ToArray();
            foreach (var margin in margins)
            {
                var alone = Audit(ConfidenceThresholds.Calibrate(validationTeacher, truth, Classes, precision, marginZ: margin), poolTeacher, pool.Labels);
                var withView = Audit(ConfidenceThresholds.Calibrate(validationPropagated, truth, Classes, precision, marginZ: margin), poolPropagated, pool.Labels);
                for (var c = 0; c < Classes; c++)
                    Console.WriteLine(JsonSerializer.Serialize(new
                    {
                        experiment = "propagation", seed, margin, @class = FashionMnist.ClassNames[c], targetPrecision = precision,
                        teacherCoverage = alone[c].Coverage, teacherPrecision = alone[c].Precision,
                        propagatedCoverage = withView[c].Coverage, propagatedPrecision = withView[c].Precision,
                    }, SelfTrainJson.Options));
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    experiment = "propagation", seed, margin, @class = "all", targetPrecision = precision, images = features.Length,
                    teacherPoolAccuracy = Math.Round(DatasetClassifier.Accuracy(poolTeacher, pool.Labels), 4),
                    propagatedPoolAccuracy = Math.Round(DatasetClassifier.Accuracy(poolPropagated, pool.Labels), 4),
                    teacherAccepted = alone.Sum(a => a.Accepted), teacherAcceptedPrecision = Math.Round(alone.Sum(a => a.Correct) / (double)Math.Max(1, alone.Sum(a => a.Accepted)), 4),
                    propagatedAccepted = withView.Sum(a => a.Accepted), propagatedAcceptedPrecision = Math.Round(withView.Sum(a => a.Correct) / (double)Math.Max(1, withView.Sum(a => a.Accepted)), 4),
                    propagationSeconds = Math.Round(propagationSeconds, 1),
                }, SelfTrainJson.Options));
            }
        }
        return 0;
    }

    private sealed record ClassAudit(int Predicted, int Accepted, int Correct)
    {
        public double Coverage => Math.Round(Accepted / (double)Math.Max(1, Predicted), 4);
        public double? Precision => Accepted == 0 ? null : Math.Round(Correct / (double)Accepted, 4);
    }

    /// <summary>Per class the pool images predicted as it, those whose score passes its threshold, and the right ones among them.</summary>
    private static ClassAudit[] Audit(IReadOnlyList<ClassThreshold> thresholds, float[][] probabilities, byte[] truth)
    {
        var (predicted, accepted, correct) = (new int[Classes], new int[Classes], new int[Classes]);
        for (var i = 0; i < probabilities.Length; i++)
        {
            var c = TensorPrimitives.IndexOfMax<float>(probabilities[i]);
            predicted[c]++;
            if (probabilities[i][c] < thresholds[c].Threshold) continue;
            accepted[c]++;
            if (truth[i] == c) correct[c]++;
        }
        return [.. Enumerable.Range(0, Classes).Select(c => new ClassAudit(predicted[c], accepted[c], correct[c]))];
    }
}
