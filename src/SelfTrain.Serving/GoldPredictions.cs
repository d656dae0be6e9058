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
        int[][] predicted = [];
        double[][] confidence = [];
        var images = await VisitAsync(split, models, count =>
        {
            predicted = [.. models.Select(_ => new int[count])];
            confidence = [.. models.Select(_ => new double[count])];
        }, (i, views) =>
        {
            for (var m = 0; m < views.Length; m++) (predicted[m][i], confidence[m][i]) = (views[m].ClassIndex, views[m].Confidence);
        }, cancellationToken);
        var truth = images.Select(i => i.ClassIndex).ToArray();
        return models.Select((model, m) => new GoldPredictions(model.Manifest.Version, truth, predicted[m], confidence[m])).ToArray();
    }

    /// <summary>The committee of <paramref name="models"/>: each image's prediction from the mean of their probabilities.</summary>
    public async Task<GoldPredictions> PredictCommitteeAsync(GoldSplit split, IReadOnlyList<OnnxClassifier> models,
        CancellationToken cancellationToken = default)
    {
        int[] predicted = [];
        double[] confidence = [];
        var images = await VisitAsync(split, models, count => (predicted, confidence) = (new int[count], new double[count]), (i, views) =>
        {
            var joined = Committee.Join(views[0], views[1..], models[0].Manifest.Classes);
            (predicted[i], confidence[i]) = (joined.ClassIndex, joined.Confidence);
        }, cancellationToken);
        return new GoldPredictions(string.Join("+", models.Select(m => m.Manifest.Version)), [.. images.Select(i => i.ClassIndex)], predicted, confidence);
    }

    /// <summary>The model's probabilities for every image of the split, in the order of the images returned with them (the split's listing).</summary>
    public async Task<(IReadOnlyList<GoldImage> Images, float[][] Probabilities)> ProbabilitiesAsync(GoldSplit split, OnnxClassifier model,
        CancellationToken cancellationToken = default)
    {
        float[][] probabilities = [];
        var images = await VisitAsync(split, [model], count => probabilities = new float[count][], (i, views) => probabilities[i] = views[0].Probabilities,
            cancellationToken);
        return (images, probabilities);
    }

    /// <summary>
    /// Every image of the split, downloaded once and classified by every model: <paramref name="visit"/> gets each
    /// image's index and the models' predictions, a chunk at a time, so nothing but what it keeps stays in memory.
    /// </summary>
    /// <returns>The split's images (blob name and true class), in the order visited.</returns>
    private async Task<IReadOnlyList<GoldImage>> VisitAsync(GoldSplit split, IReadOnlyList<OnnxClassifier> models, Action<int> start, Action<int, Prediction[]> visit,
        CancellationToken cancellationToken)
    {
        var images = await gold.ListAsync(split, cancellationToken);
        if (images.Count == 0) throw new InvalidOperationException($"The gold {split} split has no images.");
        start(images.Count);

        foreach (var chunk in Enumerable.Range(0, images.Count).Chunk(options.BatchSize * 4))
        {
            var bytes = new byte[chunk.Length][];
            await Parallel.ForEachAsync(Enumerable.Range(0, chunk.Length),
                new ParallelOptions { MaxDegreeOfParallelism = options.DownloadConcurrency, CancellationToken = cancellationToken },
                async (i, ct) => bytes[i] = await gold.DownloadAsync(images[chunk[i]].BlobName, ct));

            var outcomes = models.Select(model => ImageClassifier.Classify(model, bytes, options.Limits)).ToArray();
            for (var i = 0; i < chunk.Length; i++)
                visit(chunk[i], outcomes.Select(o => o[i].Prediction
                    ?? throw new InvalidDataException($"Gold image {images[chunk[i]].BlobName} cannot be read: {o[i].Rejection!.Message}")).ToArray());
        }
        return images;
    }
}
