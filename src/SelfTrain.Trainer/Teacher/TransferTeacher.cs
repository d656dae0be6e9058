using System.Globalization;
using Google.Protobuf;
using SelfTrain.Core.Data;
using SelfTrain.Core.Labels;
using SelfTrain.Core.Models;
using SelfTrain.Trainer.Training;

namespace SelfTrain.Trainer.Teacher;

/// <summary>
/// Model A: the frozen ImageNet ResNet18 with a linear head trained on the gold images' features, exported as one
/// ONNX graph (preprocessing + backbone + head + softmax) with its manifest.
/// </summary>
public sealed class TransferTeacher(string? modelsDirectory = null, int threads = 2)
{
    public const string Recipe = "transfer-learning";
    public const string Architecture = "resnet18-imagenet-linear";

    private readonly string _modelsDirectory = modelsDirectory ?? ResNet18Graph.DefaultModelsDirectory;

    public TrainingResult Train(LabelledImages gold, IReadOnlyList<string> classes, int inputSize, string version, int seed = 1,
        string? dataSnapshot = null) =>
        Train(gold, Featurize(gold, inputSize), classes, inputSize, version, seed, dataSnapshot);

    /// <summary>What the graph takes, as its manifest says: the features the head learns from are computed the same way.</summary>
    public static ModelInput Input(int inputSize) => new()
    {
        TensorName = ResNet18Graph.InputName,
        Width = inputSize,
        Height = inputSize,
        ColorOrder = ColorOrder.Rgb, // gray images are repeated into three channels
        PixelScale = 1f, // the graph takes 0–255 and subtracts the ImageNet means itself
        Mean = [0f],
        Std = [1f],
    };

    /// <summary>The backbone's 512 features of each image at the input size.</summary>
    public float[][] Featurize(LabelledImages images, int inputSize)
    {
        using var featurizer = new OnnxFeaturizer(ResNet18Graph.Build(_modelsDirectory, inputSize).ToByteArray(), Input(inputSize), threads);
        return featurizer.Run(images);
    }

    /// <summary>
    /// Probabilities for each gold image from a head trained without it (k-fold), i.e. what the teacher would say on
    /// unseen images: the honest basis for choosing confidence thresholds.
    /// </summary>
    public static float[][] OutOfFoldProbabilities(float[][] features, IReadOnlyList<byte> labels, int classCount, int folds, int seed)
    {
        var result = new float[features.Length][];
        for (var fold = 0; fold < folds; fold++)
        {
            var trainIndices = Enumerable.Range(0, features.Length).Where(i => i % folds != fold).ToArray();
            var (weights, biases) = LinearHead.Train([.. trainIndices.Select(i => features[i])], [.. trainIndices.Select(i => (int)labels[i])], classCount, seed + fold);
            for (var i = fold; i < features.Length; i += folds) result[i] = Probabilities(features[i], weights, biases);
        }
        return result;
    }

    /// <summary>The head's class probabilities for one image's features: softmax(W·x + b).</summary>
    public static float[] Probabilities(float[] features, float[] weights, float[] biases)
    {
        var logits = new float[biases.Length];
        for (var c = 0; c < biases.Length; c++)
        {
            double logit = biases[c];
            for (var d = 0; d < features.Length; d++) logit += weights[c * features.Length + d] * features[d];
            logits[c] = (float)logit;
        }
        Softmax.Apply(logits);
        return logits;
    }

    public TrainingResult Train(LabelledImages gold, float[][] features, IReadOnlyList<string> classes, int inputSize, string version,
        int seed = 1, string? dataSnapshot = null)
    {
        ArgumentNullException.ThrowIfNull(gold);
        var head = LinearHead.Train(features, [.. gold.Labels.Select(l => (int)l)], classes.Count, seed);
        var onnx = ResNet18Graph.Build(_modelsDirectory, inputSize, head).ToByteArray();

        var manifest = new ModelManifest
        {
            Version = version,
            Classes = classes,
            Input = Input(inputSize),
            Output = new ModelOutput { TensorName = ResNet18Graph.OutputName, Kind = OutputKind.Probabilities },
            Embedding = new ModelEmbedding { TensorName = ResNet18Graph.FeaturesName, Dimensions = ResNet18Graph.FeatureCount },
            CreatedAt = DateTimeOffset.UtcNow,
            Lineage = new ModelLineage
            {
                DataSnapshot = dataSnapshot,
                Recipe = Recipe,
                Architecture = Architecture,
                Hyperparameters = new Dictionary<string, string>
                {
                    ["goldImages"] = gold.Count.ToString(CultureInfo.InvariantCulture),
                    ["inputSize"] = inputSize.ToString(CultureInfo.InvariantCulture),
                    ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
                    ["head"] = "softmax regression, AdamW lr 0.01, weight decay 1e-3, 300 full-batch steps on standardized features",
                },
            },
        }.EnsureValid();
        return new TrainingResult(onnx, manifest);
    }
}
