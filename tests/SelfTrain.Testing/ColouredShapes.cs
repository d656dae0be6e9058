using SkiaSharp;

namespace SelfTrain.Testing;

/// <summary>One drawn image: its PNG, its RGB pixels (planar CHW, 0–255) and its class.</summary>
public sealed record ShapeImage(byte[] Png, byte[] Pixels, int Label);

/// <summary>
/// A small colour data set of its own, unlike Fashion-MNIST: a circle, square or triangle in red, green or blue on a
/// noisy dark background, at a random size, near the centre, drawn with SkiaSharp. Nine classes; the colour alone or the shape
/// alone does not tell them apart, and the three colours have nearly the same brightness, so a gray model sees shapes
/// only.
/// </summary>
public static class ColouredShapes
{
    public const int Size = 32;

    private static readonly (string Name, SKColor Color)[] Colours =
        [("red", new SKColor(230, 60, 60)), ("green", new SKColor(40, 160, 40)), ("blue", new SKColor(90, 110, 255))];

    private static readonly string[] Shapes = ["circle", "square", "triangle"];

    public static string[] ClassNames { get; } = Colours.SelectMany(c => Shapes.Select(s => $"{c.Name}-{s}")).ToArray();

    /// <summary><paramref name="count"/> images, classes in turn, each drawn from <paramref name="seed"/>.</summary>
    public static ShapeImage[] Generate(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i => Draw(i % ClassNames.Length, random)).ToArray();
    }

    private static ShapeImage Draw(int label, Random random)
    {
        var (colour, shape) = (Colours[label / Shapes.Length].Color, Shapes[label % Shapes.Length]);
        using var bitmap = new SKBitmap(new SKImageInfo(Size, Size, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var pixels = bitmap.GetPixelSpan();
        for (var p = 0; p < pixels.Length; p += 4)
        {
            var shade = (byte)random.Next(20, 70);
            (pixels[p], pixels[p + 1], pixels[p + 2], pixels[p + 3]) = (shade, shade, shade, 255);
        }
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { IsAntialias = true, Color = Jitter(colour, random) })
        {
            var half = random.Next(6, 11);
            var (x, y) = (Size / 2 + random.Next(-2, 3), Size / 2 + random.Next(-2, 3));
            switch (shape)
            {
                case "circle": canvas.DrawCircle(x, y, half, paint); break;
                case "square": canvas.DrawRect(x - half, y - half, 2 * half, 2 * half, paint); break;
                default:
                    using (var path = new SKPath())
                    {
                        path.MoveTo(x, y - half);
                        path.LineTo(x + half, y + half);
                        path.LineTo(x - half, y + half);
                        path.Close();
                        canvas.DrawPath(path, paint);
                    }
                    break;
            }
        }
        var planar = new byte[3 * Size * Size];
        var rgba = bitmap.GetPixelSpan();
        for (var p = 0; p < Size * Size; p++)
            for (var c = 0; c < 3; c++) planar[c * Size * Size + p] = rgba[4 * p + c];
        return new ShapeImage(TestImages.Encode(bitmap, SKEncodedImageFormat.Png), planar, label);
    }

    private static SKColor Jitter(SKColor colour, Random random)
    {
        byte Channel(byte value) => (byte)Math.Clamp(value + random.Next(-25, 26), 0, 255);
        return new SKColor(Channel(colour.Red), Channel(colour.Green), Channel(colour.Blue));
    }
}
