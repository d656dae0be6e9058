using static TorchSharp.torch;

namespace SelfTrain.Trainer.Training;

/// <summary>
/// How uint8 pixels become a student's input: value = (pixel / 255 − Mean) / Std, one value for all channels. The
/// same numbers go into the model manifest, so the served model sees what the student was trained on.
/// </summary>
public sealed record Normalization(float Mean, float Std)
{
    /// <summary>Mean and standard deviation of the given pixels (on the 0–1 scale).</summary>
    public static Normalization Of(ReadOnlySpan<byte> pixels)
    {
        double sum = 0, squares = 0;
        foreach (var p in pixels)
        {
            sum += p;
            squares += p * p;
        }
        var mean = sum / pixels.Length;
        var std = Math.Sqrt(Math.Max(squares / pixels.Length - mean * mean, 1e-6));
        return new Normalization((float)(mean / 255), (float)(std / 255));
    }

    /// <summary>A [count, C, H, W] float tensor of the images at <paramref name="indices"/> of <paramref name="pixels"/> (CHW per image).</summary>
    public Tensor ToTensor(byte[] pixels, IReadOnlyList<int> indices, int channels, int height, int width)
    {
        var imageBytes = channels * height * width;
        var values = new float[indices.Count * imageBytes];
        var scale = 1f / (255f * Std);
        var offset = Mean / Std;
        for (var i = 0; i < indices.Count; i++)
        {
            var source = pixels.AsSpan(indices[i] * imageBytes, imageBytes);
            var target = values.AsSpan(i * imageBytes, imageBytes);
            for (var j = 0; j < imageBytes; j++) target[j] = source[j] * scale - offset;
        }
        return tensor(values, [indices.Count, channels, height, width]);
    }
}
