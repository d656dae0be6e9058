using SelfTrain.Core.Evaluation;
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
        var images = await gold.ListAsync(split, cancellationToken);
        if (images.Count == 0) throw new InvalidOperationException($"The gold {split} split has no images.");

        var predicted = models.Select(_ => new int[images.Count]).ToArray();
        var confidence = models.Select(_ => new double[images.Count]).ToArray();
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
                {
                    var prediction = outcomes[i].Prediction
                        ?? throw new InvalidDataException($"Gold image {images[chunk[i]].BlobName} cannot be read: {outcomes[i].Rejection!.Message}");
                    predicted[m][chunk[i]] = prediction.ClassIndex;
                    confidence[m][chunk[i]] = prediction.Confidence;
                }
            }
        }
        var truth = images.Select(i => i.ClassIndex).ToArray();
        return models.Select((model, m) => new GoldPredictions(model.Manifest.Version, truth, predicted[m], confidence[m])).ToArray();
    }
}
