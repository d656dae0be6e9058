using SelfTrain.Core.Data;
using SelfTrain.Core.Models;
using SelfTrain.Inference;

namespace SelfTrain.Trainer.Evaluation;

/// <summary>
/// Runs a model over a labelled data set through the serving stack: each image becomes the bitmap an upload decodes
/// to, is preprocessed as the manifest says (<see cref="ImagePreprocessor"/>) and classified by
/// <see cref="OnnxClassifier"/>. Figures measured here are the figures the service would give.
/// </summary>
public static class DatasetClassifier
{
    /// <summary>Class probabilities for every image, in batches of the model's batch size.</summary>
    public static float[][] Probabilities(OnnxClassifier model, LabelledImages images, Action<int>? progress = null)
    {
        var input = model.Manifest.Input;
        var length = model.SampleLength;
        var batchSize = model.MaxBatchSize;
        var result = new float[images.Count][];
        var buffer = new float[batchSize * length];
        for (var start = 0; start < images.Count; start += batchSize)
        {
            var count = Math.Min(batchSize, images.Count - start);
            Preprocess(images, start, count, input, buffer);
            var predictions = model.Classify(buffer, count);
            for (var i = 0; i < count; i++) result[start + i] = predictions[i].Probabilities;
            progress?.Invoke(start + count);
        }
        return result;
    }

    /// <summary>
    /// Writes images <paramref name="start"/> … <paramref name="start"/> + <paramref name="count"/> − 1 end to end into
    /// <paramref name="batch"/> as <paramref name="input"/> describes, each as the bitmap an upload decodes to.
    /// </summary>
    public static void Preprocess(LabelledImages images, int start, int count, ModelInput input, float[] batch)
    {
        var length = ImagePreprocessor.SampleLength(input);
        Parallel.For(0, count, i =>
        {
            using var bitmap = PlanarImage.ToBitmap(images.Image(start + i), images.Channels, images.Height, images.Width);
            ImagePreprocessor.Write(bitmap, input, batch.AsSpan(i * length, length));
        });
    }

    /// <summary>The share of images whose most probable class is their label.</summary>
    public static double Accuracy(IReadOnlyList<float[]> probabilities, IReadOnlyList<byte> labels) =>
        Enumerable.Range(0, probabilities.Count).Count(i => Array.IndexOf(probabilities[i], probabilities[i].Max()) == labels[i]) / (double)probabilities.Count;
}
