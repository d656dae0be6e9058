using SelfTrain.Core.Data;
using SelfTrain.Core.Models;
using SelfTrain.Trainer.Teacher;

namespace SelfTrain.Trainer.Experiments;

/// <summary>Turns uint8 images into a model's input tensor values exactly as its manifest describes (resize, channels, scale, mean, std).</summary>
public sealed class ManifestPreprocessor(ModelInput input)
{
    public int Values => input.Channels * input.Height * input.Width;

    public void Write(LabelledImages images, int index, Span<float> target)
    {
        if (input.Width != input.Height) throw new NotSupportedException("Only square inputs are supported here.");
        var channels = input.Channels;
        ImageResize.Bilinear(images.Image(index), images.Channels, images.Height, images.Width, input.Width, channels, target);
        if (input.ColorOrder == ColorOrder.Bgr && images.Channels == 3)
            Swap(target, 0, 2, input.Width * input.Height);
        var plane = input.Width * input.Height;
        for (var c = 0; c < channels; c++)
        {
            var mean = input.Mean[input.Mean.Count == 1 ? 0 : c];
            var std = input.Std[input.Std.Count == 1 ? 0 : c];
            var span = target.Slice(c * plane, plane);
            for (var i = 0; i < span.Length; i++) span[i] = (span[i] * input.PixelScale - mean) / std;
        }
    }

    private static void Swap(Span<float> values, int a, int b, int plane)
    {
        var first = values.Slice(a * plane, plane);
        var second = values.Slice(b * plane, plane);
        for (var i = 0; i < plane; i++) (first[i], second[i]) = (second[i], first[i]);
    }
}
