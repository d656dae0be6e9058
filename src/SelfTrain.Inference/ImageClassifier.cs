using SelfTrain.Core.Labels;

namespace SelfTrain.Inference;

/// <summary>The outcome for one image: a prediction, or the reason it was refused.</summary>
public sealed record ImageOutcome(Prediction? Prediction, int Width, int Height, ImageRejectedException? Rejection)
{
    public bool Accepted => Prediction is not null;
}

/// <summary>Encoded images in, predictions out: one model run over the images that decoded (see <see cref="PreparedImages"/>).</summary>
public static class ImageClassifier
{
    public static ImageOutcome[] Classify(OnnxClassifier model, IReadOnlyList<byte[]> images, ImageLimits limits)
    {
        var prepared = PreparedImages.Prepare(model, images, limits);
        var predictions = prepared.Accepted == 0 ? [] : model.Classify(prepared.Batch, prepared.Accepted);
        var outcomes = new ImageOutcome[images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            var sample = prepared.SampleOf(i);
            var (width, height) = prepared.Sizes[i];
            outcomes[i] = new ImageOutcome(sample < 0 ? null : predictions[sample], width, height, prepared.Rejections[i]);
        }
        return outcomes;
    }
}
