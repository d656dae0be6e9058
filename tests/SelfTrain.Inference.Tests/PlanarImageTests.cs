using SelfTrain.Core.Models;

namespace SelfTrain.Inference.Tests;

public sealed class PlanarImageTests
{
    private static readonly ModelInput Rgb64 = new()
    {
        TensorName = "image", Width = 64, Height = 64, ColorOrder = ColorOrder.Rgb, PixelScale = 1f / 255, Mean = [0.5f], Std = [0.25f],
    };

    [Theory]
    [InlineData(ResizeMode.Stretch)]
    [InlineData(ResizeMode.Fit)]
    [InlineData(ResizeMode.CenterCrop)]
    public void Raw_gray_pixels_preprocess_exactly_as_the_same_image_uploaded_as_png(ResizeMode resize)
    {
        var random = new Random(7);
        var pixels = new byte[28 * 20];
        random.NextBytes(pixels);
        var input = Rgb64 with { Resize = resize };

        using var uploaded = ImageDecoder.Decode(PngEncoder.EncodeGray(pixels, width: 20, height: 28), ImageLimits.Default);
        var served = new float[ImagePreprocessor.SampleLength(input)];
        ImagePreprocessor.Write(uploaded, input, served);

        using var planar = PlanarImage.ToBitmap(pixels, channels: 1, height: 28, width: 20);
        var evaluated = new float[served.Length];
        ImagePreprocessor.Write(planar, input, evaluated);

        Assert.Equal(served, evaluated);
    }

    [Fact]
    public void Rgb_planes_become_rgba_pixels_and_a_gray_plane_is_repeated()
    {
        byte[] planes = [10, 20, 30, 40, 50, 60]; // 1×2 image: R plane 10 20, G plane 30 40, B plane 50 60
        using var rgb = PlanarImage.ToBitmap(planes, channels: 3, height: 1, width: 2);
        Assert.Equal([10, 30, 50, 255, 20, 40, 60, 255], rgb.GetPixelSpan().ToArray());

        using var gray = PlanarImage.ToBitmap([7, 9], channels: 1, height: 1, width: 2);
        Assert.Equal([7, 7, 7, 255, 9, 9, 9, 255], gray.GetPixelSpan().ToArray());
    }

    [Theory]
    [InlineData(2, 4)]
    [InlineData(1, 5)]
    public void A_buffer_that_is_not_that_image_is_refused(int channels, int bytes)
    {
        Assert.Throws<ArgumentException>(() => PlanarImage.ToBitmap(new byte[bytes], channels, height: 2, width: 2));
    }
}
