using SelfTrain.Testing;
using SkiaSharp;

namespace SelfTrain.Inference.Tests;

public sealed class ImageClassifierTests
{
    [Fact]
    public void Bad_images_are_refused_without_disturbing_their_neighbours()
    {
        var model = new LinearTestModel("m1");
        using var classifier = OnnxClassifier.Load(model.Onnx, model.Manifest, new InferenceOptions { IntraOpThreads = 1 });
        byte[][] images = [TestImages.Png(8, 8, 1, gray: true), TestImages.NotAnImage(), TestImages.Png(30, 20, 2), [], TestImages.Png(8, 8, 3, gray: true)];

        var outcomes = ImageClassifier.Classify(classifier, images, ImageLimits.Default);

        Assert.Equal([true, false, true, false, true], outcomes.Select(o => o.Accepted));
        Assert.Equal(RejectionReason.NotAnImage, outcomes[1].Rejection!.Reason);
        Assert.Equal(RejectionReason.Empty, outcomes[3].Rejection!.Reason);
        Assert.Equal((30, 20), (outcomes[2].Width, outcomes[2].Height));
        foreach (var i in new[] { 0, 2, 4 })
        {
            // Each accepted image gets exactly what it gets when classified alone.
            var alone = ImageClassifier.Classify(classifier, [images[i]], ImageLimits.Default)[0].Prediction!;
            Assert.Equal(alone.Probabilities, outcomes[i].Prediction!.Probabilities);
        }
    }

    [Fact]
    public void Prediction_is_the_model_applied_to_the_preprocessed_pixels()
    {
        var model = new LinearTestModel("m1");
        using var classifier = OnnxClassifier.Load(model.Onnx, model.Manifest, new InferenceOptions { IntraOpThreads = 1 });
        using var bitmap = TestImages.Noise(8, 8, seed: 4, gray: true);
        var png = TestImages.Encode(bitmap, SKEncodedImageFormat.Png);

        var prediction = ImageClassifier.Classify(classifier, [png], ImageLimits.Default)[0].Prediction!;

        var sample = new float[64];
        for (var y = 0; y < 8; y++)
        for (var x = 0; x < 8; x++)
            sample[y * 8 + x] = bitmap.GetPixel(x, y).Red / 255f;
        var expected = model.Expected(sample);
        for (var c = 0; c < expected.Length; c++) Assert.Equal(expected[c], prediction.Probabilities[c], 1e-5f);
    }
}
