using SelfTrain.Core.Evaluation;
using SelfTrain.Core.Labels;
using SelfTrain.Inference;
using SelfTrain.Storage;

namespace SelfTrain.Serving;

/// <summary>A model's predictions on a gold split, aligned with the true labels.</summary>
public sealed record GoldPredictions(string Model, IReadOnlyList<int> Truth, IReadOnlyList<int> Predicted, IReadOnlyList<double> Confidence)
{
    public ModelEvaluation Evaluate(int classes) => ModelEvaluation.Of(Model, Truth, Predicted, Confidence, classes);
}

/// <summary>
/// Runs models over a gold split: each image is downloaded once and classified by every model given, so paired
/// comparisons (McNemar) see exactly the same images.
/// </summary>
public sealed class GoldEvaluator(GoldStore gold, ServingOptions options)
{
    public async Task<IReadOnlyList<GoldPredictions>> PredictAsync(GoldSplit split, IReadOnlyList<OnnxClassifier> models,
        CancellationToken cancellationToken = default)
    {
        var (truth, probabilities) = await ProbabilitiesAsync(split, models, cancellationToken);
        return models.Select((model, m) => Of(model.Manifest.Version, truth, probabilities[m])).ToArray();
    }

    /// <summary>The committee of <paramref name="models"/>: each image's prediction from the mean of their probabilities.</summary>
    public async Task<GoldPredictions> PredictCommitteeAsync(GoldSplit split, IReadOnlyList<OnnxClassifier> models,
        CancellationToken cancellationToken = default)
    {
        var (truth, probabilities) = await ProbabilitiesAsync(split, models, cancellationToken);
        var mean = Enumerable.Range(0, truth.Length).Select(i => Committee.Mean(probabilities.Select(m => m[i]).ToArray())).ToArray();
        return Of(string.Join("+", models.Select(m => m.Manifest.Version)), truth, mean);
    }

    private static GoldPredictions Of(string model, int[] truth, float[][] probabilities)
    {
        var best = probabilities.Select(p => Array.IndexOf(p, p.Max())).ToArray();
        return new GoldPredictions(model, truth, best, probabilities.Select((p, i) => (double)p[best[i]]).ToArray());
    }

    /// <summary>Every model's probability vector for every image of the split (each image downloaded once), and the truth.</summary>
    private async Task<(int[] Truth, float[][][] Probabilities)> ProbabilitiesAsync(GoldSplit split, IReadOnlyList<OnnxClassifier> models,
        CancellationToken cancellationToken)
    {
        var images = await gold.ListAsync(split, cancellationToken);
        if (images.Count == 0) throw new InvalidOperationException($"The gold {split} split has no images.");

        var probabilities = models.Select(_ => new float[images.Count][]).ToArray();
        foreach (var chunk in Enumerable.Range(0, images.Count).Chunk(options.BatchSize * 4))
        {
            var bytes = new byte[chunk.Length][];
            await Parallel.ForEachAsync(Enumerable.Range(0, chunk.Length),
                new ParallelOptions { MaxDegreeOfParallelism = options.DownloadConcurrency, CancellationToken = cancellationToken },
                async (i, ct) => bytes[i] = await gold.DownloadAsync(images[chunk[i]].BlobName, ct));

            for (var m = 0; m < models.Count; m++)
            {
                var outcomes = ImageClassifier.Classify(models[m], bytes, options.Limits);
                for (var i = 0; i < chunk.Length; i++)
                    probabilities[m][chunk[i]] = (outcomes[i].Prediction
                        ?? throw new InvalidDataException($"Gold image {images[chunk[i]].BlobName} cannot be read: {outcomes[i].Rejection!.Message}")).Probabilities;
            }
        }
        return (images.Select(i => i.ClassIndex).ToArray(), probabilities);
    }
}
