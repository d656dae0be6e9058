using SelfTrain.Core.Training;

namespace SelfTrain.Trainer.Training;

/// <summary>
/// Writes one image into a batch buffer as normalized floats, with the student's noise when enabled: a random
/// translation (what a random crop of a padded image gives), an optional horizontal flip and random erasing.
/// All randomness comes from the caller's seeded <see cref="Random"/>, so a run is reproducible.
/// </summary>
public sealed class Augmenter(AugmentationOptions? options, Normalization normalization, int channels, int height, int width)
{
    private readonly float _scale = 1f / (255f * normalization.Std);
    private readonly float _offset = normalization.Mean / normalization.Std;

    /// <summary>Null when the images go in unchanged.</summary>
    public AugmentationOptions? Options { get; } = options;

    public void Write(ReadOnlySpan<byte> image, Span<float> target, Random random)
    {
        var shift = Options is { Translate: true } ? Options.MaxShift : 0;
        var dx = shift > 0 ? random.Next(-shift, shift + 1) : 0;
        var dy = shift > 0 ? random.Next(-shift, shift + 1) : 0;
        var flip = Options is { Flips: true } && random.Next(2) == 1;
        var background = -_offset; // a black pixel, as padding would give

        for (var c = 0; c < channels; c++)
        {
            var plane = c * height * width;
            for (var y = 0; y < height; y++)
            {
                var sy = y + dy;
                for (var x = 0; x < width; x++)
                {
                    var sx = (flip ? width - 1 - x : x) + dx;
                    target[plane + y * width + x] = sy < 0 || sy >= height || sx < 0 || sx >= width
                        ? background
                        : image[plane + sy * width + sx] * _scale - _offset;
                }
            }
        }

        if (Options is { RandomErasing: true } && random.NextDouble() < Options.ErasingProbability)
            Erase(target, random);
    }

    private void Erase(Span<float> target, Random random)
    {
        // A rectangle of 2–20% of the area with aspect ratio 0.3–3.3, filled with the mean (0 after normalization).
        var area = height * width * (0.02 + random.NextDouble() * 0.18);
        var aspect = Math.Exp(Math.Log(0.3) + random.NextDouble() * (Math.Log(3.3) - Math.Log(0.3)));
        var h = Math.Clamp((int)Math.Round(Math.Sqrt(area * aspect)), 1, height);
        var w = Math.Clamp((int)Math.Round(Math.Sqrt(area / aspect)), 1, width);
        var top = random.Next(height - h + 1);
        var left = random.Next(width - w + 1);
        for (var c = 0; c < channels; c++)
            for (var y = top; y < top + h; y++)
                target.Slice(c * height * width + y * width + left, w).Clear();
    }
}
