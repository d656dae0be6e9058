using SelfTrain.Core.Labels;

namespace SelfTrain.Inference;

/// <summary>The outcome for one image: a prediction, or the reason it was refused.</summary>
public sealed record ImageOutcome(Prediction? Prediction, int Width, int Height, ImageRejectedException? Rejection)
{
    public bool Accepted => Prediction is not null;
}

/// <summary>
/// Encoded images in, predictions out: decodes and preprocesses a batch in parallel straight into one input
/// tensor, then runs the model once over the images that decoded. A bad image never spoils its neighbours.
/// </summary>
public static class ImageClassifier
{
    public static ImageOutcome[] Classify(OnnxClassifier model, IReadOnlyList<byte[]> images, ImageLimits limits)
    {
        var sampleLength = model.SampleLength;
        var batch = new float[checked((int)((long)images.Count * sampleLength))];
        var outcomes = new ImageOutcome[images.Count];
        var slots = new int[images.Count];

        void Prepare(int i)
        {
            try
            {
                using var bitmap = ImageDecoder.Decode(images[i], limits, model.Manifest.Input.Width, model.Manifest.Input.Height);
                ImagePreprocessor.Write(bitmap, model.Manifest.Input, batch.AsSpan(checked(i * sampleLength), sampleLength));
                outcomes[i] = new ImageOutcome(null, bitmap.Width, bitmap.Height, null);
                slots[i] = 1;
            }
            catch (ImageRejectedException rejection)
            {
                outcomes[i] = new ImageOutcome(null, 0, 0, rejection);
            }
        }
        // A single image (a prediction request) is prepared inline: a parallel loop would only add a thread hop.
        if (images.Count == 1) Prepare(0);
        else Parallel.For(0, images.Count, Prepare);

        // Close the gaps left by refused images so the model sees one dense batch.
        var accepted = 0;
        for (var i = 0; i < images.Count; i++)
        {
            if (slots[i] == 0) continue;
            if (accepted != i) Array.Copy(batch, (long)i * sampleLength, batch, (long)accepted * sampleLength, sampleLength);
            slots[i] = ++accepted;
        }
        if (accepted == 0) return outcomes;

        var predictions = model.Classify(batch, accepted);
        for (var i = 0; i < images.Count; i++)
            if (slots[i] > 0) outcomes[i] = outcomes[i] with { Prediction = predictions[slots[i] - 1] };
        return outcomes;
    }
}
