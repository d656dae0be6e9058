using System.Buffers.Binary;
using SkiaSharp;

namespace SelfTrain.Testing;

/// <summary>Real encoded images for tests, and the malformed inputs an upload service meets.</summary>
public static class TestImages
{
    /// <summary>A seeded noise image (noise so that truncating the encoded file cuts into pixel data).</summary>
    public static SKBitmap Noise(int width, int height, int seed, bool gray = false)
    {
        var random = new Random(seed);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var pixels = bitmap.GetPixelSpan();
        for (var i = 0; i < pixels.Length; i += 4)
        {
            var r = (byte)random.Next(256);
            pixels[i] = r;
            pixels[i + 1] = gray ? r : (byte)random.Next(256);
            pixels[i + 2] = gray ? r : (byte)random.Next(256);
            pixels[i + 3] = 255;
        }
        return bitmap;
    }

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 100)
    {
        using var data = bitmap.Encode(format, quality) ?? throw new InvalidOperationException($"Skia cannot encode {format}.");
        return data.ToArray();
    }

    /// <summary>
    /// One colour over a large area: a small PNG (about 170 KB at 6300×6300, with alpha) that decodes to
    /// width × height × 4 bytes — the cheapest way to ask a server for a lot of memory.
    /// </summary>
    public static byte[] SolidPng(int width, int height, byte shade = 128)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(new SKColor(shade, shade, shade));
        return Encode(bitmap, SKEncodedImageFormat.Png);
    }

    public static byte[] Png(int width, int height, int seed, bool gray = false)
    {
        using var bitmap = Noise(width, height, seed, gray);
        return Encode(bitmap, SKEncodedImageFormat.Png);
    }

    /// <summary>
    /// A 1×1 GIF with two frames, white then black, written by hand (Skia encodes no GIF). Each frame's LZW data is
    /// 3-bit codes clear(4), index, end(5), packed least-significant bit first.
    /// </summary>
    public static byte[] TwoFrameGif() =>
    [
        .. "GIF89a"u8, 1, 0, 1, 0, 0x80, 0, 0,         // 1×1, global colour table of 2 entries
        0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00,            // white, black
        0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, // frame 1: index 0 (white)
        0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x4C, 0x01, 0, // frame 2: index 1 (black)
        0x3B,
    ];

    /// <summary>A BMP header claiming <paramref name="width"/> × <paramref name="height"/> pixels, and no pixel data.</summary>
    public static byte[] BmpHeader(int width, int height)
    {
        var bytes = new byte[54];
        "BM"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(2), (uint)(54 + (long)width * height * 3));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(10), 54);  // pixel data offset
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(14), 40);  // BITMAPINFOHEADER
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(22), height);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(26), 1);   // planes
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(28), 24);  // bits per pixel
        return bytes;
    }

    /// <summary>An uncompressed 24-bit BMP of <paramref name="bitmap"/> (Skia decodes BMP but does not encode it).</summary>
    public static byte[] Bmp(SKBitmap bitmap)
    {
        var stride = (bitmap.Width * 3 + 3) & ~3;
        var bytes = BmpHeader(bitmap.Width, bitmap.Height);
        Array.Resize(ref bytes, 54 + stride * bitmap.Height);
        for (var y = 0; y < bitmap.Height; y++)
        for (var x = 0; x < bitmap.Width; x++)
        {
            var pixel = bitmap.GetPixel(x, y);
            var at = 54 + (bitmap.Height - 1 - y) * stride + x * 3; // rows bottom-up, BGR
            (bytes[at], bytes[at + 1], bytes[at + 2]) = (pixel.Blue, pixel.Green, pixel.Red);
        }
        return bytes;
    }

    /// <summary>An 8×8 WBMP: a format Skia recognises but the service does not accept.</summary>
    public static byte[] Wbmp() => [0, 0, 8, 8, 0xFF, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0xFF];

    public static byte[] NotAnImage() => "name,label\nshirt,6\n"u8.ToArray();

    /// <summary>The first <paramref name="fraction"/> of a noise PNG: header intact, pixel data cut.</summary>
    public static byte[] TruncatedPng(double fraction = 0.5)
    {
        var png = Png(64, 64, seed: 3);
        return png[..(int)(png.Length * fraction)];
    }

    /// <summary>A noise PNG whose compressed pixel data has been overwritten with garbage.</summary>
    public static byte[] CorruptPng()
    {
        var png = Png(64, 64, seed: 4);
        var idat = png.AsSpan().IndexOf("IDAT"u8);
        var random = new Random(5);
        for (var i = idat + 8; i < idat + 200; i++) png[i] = (byte)random.Next(256);
        return png;
    }
}
