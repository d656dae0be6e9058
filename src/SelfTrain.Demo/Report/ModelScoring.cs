using System.Diagnostics;
using SelfTrain.Core.Evaluation;
using SelfTrain.Inference;
using SelfTrain.Serving;
using SelfTrain.Storage;

namespace SelfTrain.Demo.Report;

/// <summary>A model to score on gold/test, with the part it plays in the report.</summary>
public sealed record ScoredModel(string Role, byte[] Onnx, OnnxClassifier Classifier);

/// <summary>
/// Scores models on gold/test through the serving path's evaluator (each image downloaded once, every model on the
/// same images, so the paired test is valid), and times each one end to end on the same PNGs.
/// </summary>
public sealed class ModelScoring(GoldEvaluator evaluator, ServingOptions options)
{
    public async Task<(IReadOnlyList<ModelScore> Scores, IReadOnlyList<GoldPredictions> Predictions)> ScoreAsync(
        IReadOnlyList<ScoredModel> models, IReadOnlyList<byte[]> speedImages, int classes, CancellationToken cancellationToken)
    {
        var predictions = await evaluator.PredictAsync(GoldSplit.Test, [.. models.Select(m => m.Classifier)], cancellationToken);
        var scores = models.Select((model, m) =>
        {
            var evaluation = predictions[m].Evaluate(classes);
            return new ModelScore(model.Role, model.Classifier.Manifest.Version, model.Classifier.Manifest.Lineage?.Recipe ?? "transfer learning",
                evaluation.Accuracy, evaluation.AccuracyLow95, evaluation.AccuracyHigh95, evaluation.MacroF1, evaluation.ExpectedCalibrationError,
                evaluation.Recall, evaluation.Confusion, evaluation.Reliability, model.Onnx.LongLength, ImagesPerSecond(model.Classifier, speedImages));
        }).ToArray();
        return (scores, predictions);
    }

    /// <summary>PNG decode + preprocessing + inference in the labelling path's batches, after one warm-up batch.</summary>
    private double ImagesPerSecond(OnnxClassifier model, IReadOnlyList<byte[]> images)
    {
        var batches = images.Chunk(options.BatchSize).ToArray();
        ImageClassifier.Classify(model, batches[0], options.Limits);
        var watch = Stopwatch.StartNew();
        foreach (var batch in batches) ImageClassifier.Classify(model, batch, options.Limits);
        return images.Count / watch.Elapsed.TotalSeconds;
    }
}
