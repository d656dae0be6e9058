using SelfTrain.Core.Models;
using SkiaSharp;

namespace SelfTrain.Inference.Tests;

public sealed class ImagePreprocessorTests
{
    private static SKBitmap Solid(int width, int height, Func<int, int, SKColor> color)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
            bitmap.SetPixel(x, y, color(x, y));
        return bitmap;
    }

    private static ModelInput Input(int width, int height, ColorOrder order, ResizeMode resize = ResizeMode.Stretch) =>
        new() { TensorName = "x", Width = width, Height = height, ColorOrder = order, Resize = resize };

    [Fact]
    public void Gray_is_bt601_luma_scaled_to_unit_range()
    {
        using var image = Solid(2, 1, (x, _) => x == 0 ? new SKColor(255, 0, 0) : new SKColor(10, 20, 30));
        var sample = new float[2];
        ImagePreprocessor.Write(image, Input(2, 1, ColorOrder.Gray), sample);
        Assert.Equal(0.299f, sample[0], 1e-5f);
        Assert.Equal((0.299f * 10 + 0.587f * 20 + 0.114f * 30) / 255f, sample[1], 1e-5f);
    }

    [Theory]
    [InlineData(ColorOrder.Rgb, 10, 20, 30)]
    [InlineData(ColorOrder.Bgr, 30, 20, 10)]
    public void Colour_planes_follow_the_manifest_order_with_mean_and_std(ColorOrder order, int first, int second, int third)
    {
        using var image = Solid(1, 1, (_, _) => new SKColor(10, 20, 30));
        var input = Input(1, 1, order) with { PixelScale = 1f, Mean = [1f, 2f, 3f], Std = [2f, 4f, 8f] };
        var sample = new float[3];
        ImagePreprocessor.Write(image, input, sample);
        Assert.Equal([(first - 1f) / 2f, (second - 2f) / 4f, (third - 3f) / 8f], sample);
    }

    [Fact]
    public void Stretch_resizes_to_the_model_size()
    {
        using var image = Solid(10, 4, (_, _) => new SKColor(200, 200, 200));
        var sample = new float[3 * 5];
        ImagePreprocessor.Write(image, Input(5, 3, ColorOrder.Gray) with { PixelScale = 1f }, sample);
        Assert.All(sample, v => Assert.Equal(200f, v, 1f));
    }

    [Fact]
    public void An_enlargement_drawn_without_mipmaps_has_the_pixels_of_one_drawn_with_them()
    {
        // Models were trained on pixels drawn with mipmaps. Without them Skia takes its low-precision pipeline, which
        // rounds some values the other way: an enlargement may move a pixel by one level of 255, never more.
        var random = new Random(7);
        using var image = Solid(28, 28, (_, _) => new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
        var input = Input(64, 64, ColorOrder.Rgb) with { PixelScale = 1f };
        var sample = new float[3 * 64 * 64];
        ImagePreprocessor.Write(image, input, sample);

        using var expected = new SKBitmap(new SKImageInfo(64, 64, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(expected))
        using (var pixels = image.PeekPixels())
        using (var source = SKImage.FromPixels(pixels))
            canvas.DrawImage(source, SKRect.Create(28, 28), SKRect.Create(64, 64), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        var rgba = expected.GetPixelSpan().ToArray();
        var differences = new int[3];
        for (var i = 0; i < 64 * 64; i++)
        for (var c = 0; c < 3; c++)
        {
            var difference = Math.Abs(rgba[4 * i + c] - sample[c * 4096 + i]);
            Assert.True(difference <= 1f, $"pixel {i}, channel {c}: {sample[c * 4096 + i]} instead of {rgba[4 * i + c]}");
            differences[(int)difference]++;
        }
        Assert.True(differences[0] > 0.9 * differences.Sum(), $"{differences[1]} of {differences.Sum()} values moved by one level");
    }

    [Fact]
    public void Fit_keeps_the_aspect_ratio_and_pads_with_black()
    {
        using var image = Solid(4, 2, (_, _) => SKColors.White);
        var sample = new float[4 * 4];
        ImagePreprocessor.Write(image, Input(4, 4, ColorOrder.Gray, ResizeMode.Fit) with { PixelScale = 1f }, sample);
        Assert.All(sample[..4], v => Assert.Equal(0f, v, 1f));       // top padding
        Assert.All(sample[4..12], v => Assert.Equal(255f, v, 1f));   // the image
        Assert.All(sample[12..], v => Assert.Equal(0f, v, 1f));      // bottom padding
    }

    [Fact]
    public void Center_crop_keeps_the_middle_of_the_longer_side()
    {
        // Four columns: black, white, black, white. A 2×2 centre crop keeps columns 1 and 2: white, black.
        using var image = Solid(4, 2, (x, _) => x % 2 == 1 ? SKColors.White : SKColors.Black);
        var sample = new float[2 * 2];
        ImagePreprocessor.Write(image, Input(2, 2, ColorOrder.Gray, ResizeMode.CenterCrop) with { PixelScale = 1f }, sample);
        Assert.Equal(255f, sample[0], 1f);
        Assert.Equal(0f, sample[1], 1f);
    }

    [Fact]
    public void Wrong_sample_length_is_an_error()
    {
        using var image = Solid(2, 2, (_, _) => SKColors.White);
        Assert.Throws<ArgumentException>(() => ImagePreprocessor.Write(image, Input(2, 2, ColorOrder.Rgb), new float[4]));
    }
}
