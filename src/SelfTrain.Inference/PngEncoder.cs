using SkiaSharp;

namespace SelfTrain.Inference;

/// <summary>Raw pixels to PNG, for data sets that ship as arrays (e.g. Fashion-MNIST) but travel as image files.</summary>
public static class PngEncoder
{
    public static byte[] EncodeGray(ReadOnlySpan<byte> pixels, int width, int height)
    {
        if (pixels.Length != width * height)
            throw new ArgumentException($"{pixels.Length} bytes are not a {width}x{height} gray image.", nameof(pixels));
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        pixels.CopyTo(bitmap.GetPixelSpan());
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
