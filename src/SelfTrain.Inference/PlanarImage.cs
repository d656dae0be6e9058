using SkiaSharp;

namespace SelfTrain.Inference;

/// <summary>
/// A data set's raw channel-planar pixels (uint8 CHW, as Fashion-MNIST ships) as the bitmap a decoded upload is
/// (8-bit RGBA, opaque), so that evaluating a model on a data set takes the serving path's preprocessing exactly.
/// </summary>
public static class PlanarImage
{
    /// <param name="planes">channels × height × width bytes: one gray plane, or the R, G and B planes.</param>
    public static SKBitmap ToBitmap(ReadOnlySpan<byte> planes, int channels, int height, int width)
    {
        if (channels is not (1 or 3))
            throw new ArgumentException($"An image has 1 (gray) or 3 (RGB) channels, not {channels}.", nameof(channels));
        var plane = height * width;
        if (height <= 0 || width <= 0 || planes.Length != channels * plane)
            throw new ArgumentException($"{planes.Length} bytes are not a {channels}×{height}×{width} image.", nameof(planes));

        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var rgba = bitmap.GetPixelSpan();
        var (r, g, b) = channels == 1 ? (0, 0, 0) : (0, plane, 2 * plane);
        for (var i = 0; i < plane; i++)
        {
            rgba[4 * i] = planes[r + i];
            rgba[4 * i + 1] = planes[g + i];
            rgba[4 * i + 2] = planes[b + i];
            rgba[4 * i + 3] = 255;
        }
        return bitmap;
    }
}
