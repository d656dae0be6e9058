using SelfTrain.Core.Models;
using SkiaSharp;

namespace SelfTrain.Inference;

/// <summary>
/// Writes a decoded image into one NCHW sample of a model's input tensor, as its manifest describes: resized
/// (stretch, fit with black padding, or centre crop), converted to gray or to RGB/BGR, scaled and normalised.
/// Alpha is ignored: uploads are photographs and scans, not cut-outs.
/// </summary>
public static class ImagePreprocessor
{
    // Mipmaps keep a large reduction smooth; Skia builds them for each image drawn, which costs four times the draw
    // itself for a small image, and an enlargement samples the full-size level only, so it draws without them.
    private static readonly SKSamplingOptions Reducing = new(SKFilterMode.Linear, SKMipmapMode.Linear);
    private static readonly SKSamplingOptions Enlarging = new(SKFilterMode.Linear, SKMipmapMode.None);

    public static int SampleLength(ModelInput input) => input.Channels * input.Height * input.Width;

    public static void Write(SKBitmap image, ModelInput input, Span<float> sample)
    {
        if (sample.Length != SampleLength(input))
            throw new ArgumentException($"The sample needs {SampleLength(input)} floats, not {sample.Length}.", nameof(sample));

        if (image.Width == input.Width && image.Height == input.Height && image.ColorType == SKColorType.Rgba8888)
        {
            WritePixels(image, input, sample);
            return;
        }
        using var resized = Resize(image, input);
        WritePixels(resized, input, sample);
    }

    /// <summary>
    /// The same resizing and colour conversion, as 0–255 bytes without scaling: how images are stored in training
    /// shards, whose reader normalizes them itself.
    /// </summary>
    public static void WriteBytes(SKBitmap image, ModelInput input, Span<byte> sample)
    {
        var unscaled = input with { PixelScale = 1f, Mean = [0f], Std = [1f] };
        var values = new float[SampleLength(unscaled)];
        Write(image, unscaled, values);
        if (sample.Length != values.Length)
            throw new ArgumentException($"The sample needs {values.Length} bytes, not {sample.Length}.", nameof(sample));
        for (var i = 0; i < values.Length; i++) sample[i] = (byte)Math.Clamp(MathF.Round(values[i]), 0f, 255f);
    }

    private static SKBitmap Resize(SKBitmap image, ModelInput input)
    {
        var target = new SKBitmap(new SKImageInfo(input.Width, input.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(target);
        // A view of the decoded pixels, not a copy (FromBitmap copies a mutable bitmap: another full image in memory).
        using var pixels = image.PeekPixels();
        using var source = SKImage.FromPixels(pixels);
        canvas.Clear(SKColors.Black);
        var (from, to) = Placement(image.Width, image.Height, input.Width, input.Height, input.Resize);
        canvas.DrawImage(source, from, to, to.Width >= from.Width && to.Height >= from.Height ? Enlarging : Reducing);
        return target;
    }

    /// <summary>The part of the source drawn and where it lands in the target.</summary>
    internal static (SKRect From, SKRect To) Placement(int sourceWidth, int sourceHeight, int width, int height, ResizeMode mode)
    {
        var whole = SKRect.Create(sourceWidth, sourceHeight);
        var target = SKRect.Create(width, height);
        switch (mode)
        {
            case ResizeMode.Fit:
            {
                var scale = Math.Min((float)width / sourceWidth, (float)height / sourceHeight);
                var (w, h) = (sourceWidth * scale, sourceHeight * scale);
                return (whole, SKRect.Create((width - w) / 2, (height - h) / 2, w, h));
            }
            case ResizeMode.CenterCrop:
            {
                var scale = Math.Max((float)width / sourceWidth, (float)height / sourceHeight);
                var (w, h) = (width / scale, height / scale);
                return (SKRect.Create((sourceWidth - w) / 2, (sourceHeight - h) / 2, w, h), target);
            }
            default:
                return (whole, target);
        }
    }

    private static void WritePixels(SKBitmap image, ModelInput input, Span<float> sample)
    {
        ReadOnlySpan<byte> rgba = image.GetPixelSpan();
        var plane = input.Width * input.Height;
        var channels = input.Channels;
        Span<float> mean = stackalloc float[channels], invStd = stackalloc float[channels];
        for (var c = 0; c < channels; c++)
        {
            mean[c] = input.Mean[input.Mean.Count == 1 ? 0 : c];
            invStd[c] = 1f / input.Std[input.Std.Count == 1 ? 0 : c];
        }
        var scale = input.PixelScale;
        var rowBytes = image.RowBytes;

        for (var y = 0; y < input.Height; y++)
        {
            var row = rgba.Slice(y * rowBytes, input.Width * 4);
            var offset = y * input.Width;
            for (var x = 0; x < input.Width; x++)
            {
                var r = row[4 * x]; var g = row[4 * x + 1]; var b = row[4 * x + 2];
                switch (input.ColorOrder)
                {
                    case ColorOrder.Gray:
                        // ITU-R BT.601 luma: what a grayscale conversion of a photograph usually means.
                        sample[offset + x] = ((0.299f * r + 0.587f * g + 0.114f * b) * scale - mean[0]) * invStd[0];
                        break;
                    case ColorOrder.Rgb:
                        sample[offset + x] = (r * scale - mean[0]) * invStd[0];
                        sample[plane + offset + x] = (g * scale - mean[1]) * invStd[1];
                        sample[2 * plane + offset + x] = (b * scale - mean[2]) * invStd[2];
                        break;
                    case ColorOrder.Bgr:
                        sample[offset + x] = (b * scale - mean[0]) * invStd[0];
                        sample[plane + offset + x] = (g * scale - mean[1]) * invStd[1];
                        sample[2 * plane + offset + x] = (r * scale - mean[2]) * invStd[2];
                        break;
                }
            }
        }
    }
}
