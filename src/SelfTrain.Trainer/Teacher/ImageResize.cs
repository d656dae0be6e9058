namespace SelfTrain.Trainer.Teacher;

/// <summary>Bilinear resizing of uint8 images (CHW) to a square float image, optionally repeating a gray channel as RGB.</summary>
public static class ImageResize
{
    /// <summary>Writes <paramref name="outChannels"/> × size × size values on the 0–255 scale into <paramref name="target"/>.</summary>
    public static void Bilinear(ReadOnlySpan<byte> image, int channels, int height, int width, int size, int outChannels, Span<float> target)
    {
        if (channels != outChannels && channels != 1)
            throw new ArgumentException($"Cannot turn {channels} channels into {outChannels}.", nameof(outChannels));
        // Pixel centres aligned (align_corners = false), as common image libraries resize.
        var scaleY = (double)height / size;
        var scaleX = (double)width / size;
        for (var c = 0; c < outChannels; c++)
        {
            var plane = image.Slice((channels == 1 ? 0 : c) * height * width, height * width);
            var output = target.Slice(c * size * size, size * size);
            for (var y = 0; y < size; y++)
            {
                var sy = Math.Clamp((y + 0.5) * scaleY - 0.5, 0, height - 1);
                var y0 = (int)sy;
                var y1 = Math.Min(y0 + 1, height - 1);
                var fy = sy - y0;
                for (var x = 0; x < size; x++)
                {
                    var sx = Math.Clamp((x + 0.5) * scaleX - 0.5, 0, width - 1);
                    var x0 = (int)sx;
                    var x1 = Math.Min(x0 + 1, width - 1);
                    var fx = sx - x0;
                    var top = plane[y0 * width + x0] * (1 - fx) + plane[y0 * width + x1] * fx;
                    var bottom = plane[y1 * width + x0] * (1 - fx) + plane[y1 * width + x1] * fx;
                    output[y * size + x] = (float)(top * (1 - fy) + bottom * fy);
                }
            }
        }
    }
}
