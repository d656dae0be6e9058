using SkiaSharp;

namespace SelfTrain.Inference;

/// <summary>
/// Turns untrusted bytes into pixels, refusing anything that is not a whole JPEG, PNG, WebP, BMP or GIF (first frame)
/// within the limits. Dimensions are checked from the header, so a decompression bomb is refused before any pixel
/// memory is allocated. Given the size the pixels are for (a model's input), an image at least twice that size on
/// both sides is decoded reduced where the codec can (JPEG at 1/2, 1/4, 1/8; WebP), so it costs about its reduced
/// size. Whatever is decoded whole (PNG, BMP, GIF: this Skia build's PNG decoder has no scanline or sampled decoding)
/// first takes its bytes from the <see cref="DecodeMemoryBudget"/>, so concurrent decodes wait rather than exhaust
/// memory.
/// </summary>
public static class ImageDecoder
{
    private static readonly HashSet<SKEncodedImageFormat> Supported =
    [
        SKEncodedImageFormat.Jpeg, SKEncodedImageFormat.Png, SKEncodedImageFormat.Webp,
        SKEncodedImageFormat.Bmp, SKEncodedImageFormat.Gif,
    ];

    /// <summary>Reads at most <see cref="ImageLimits.MaxBytes"/> bytes; more is a <see cref="RejectionReason.TooManyBytes"/>.</summary>
    /// <param name="length">How long the content says it is (a request's Content-Length), when the stream cannot tell.</param>
    public static async Task<byte[]> ReadAsync(Stream content, ImageLimits limits, CancellationToken cancellationToken = default, long? length = null)
    {
        var expected = content.CanSeek ? content.Length - content.Position : length;
        if (expected > limits.MaxBytes)
            throw TooManyBytes(expected.Value, limits);

        // Sized to what is announced (up to 1 MiB before any of it has arrived), so a small image costs its own size
        // rather than a large read buffer; the limit is checked on what actually arrives.
        var buffer = new byte[expected is > 0 ? (int)Math.Min(expected.Value, 1024 * 1024) : 16 * 1024];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                // Full: the end (the usual case when the length was announced), or more to come, which grows the buffer.
                var probe = new byte[1];
                if (await content.ReadAsync(probe, cancellationToken) == 0) break;
                if (total + 1L > limits.MaxBytes) throw TooManyBytes(total + 1L, limits);
                Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, limits.MaxBytes));
                buffer[total++] = probe[0];
            }
            var read = await content.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (read == 0) break;
            total += read;
            if (total > limits.MaxBytes) throw TooManyBytes(total, limits);
        }
        if (total == 0)
            throw new ImageRejectedException(RejectionReason.Empty, "The image is empty (0 bytes).");
        return total == buffer.Length ? buffer : buffer[..total];
    }

    /// <summary>Decodes to 8-bit RGBA (unpremultiplied). The caller owns the bitmap.</summary>
    /// <param name="forWidth">The width the pixels are for; with <paramref name="forHeight"/>, lets a large image be
    /// reduced by a whole factor while it decodes, never below this size. 0: full size.</param>
    public static SKBitmap Decode(byte[] encoded, ImageLimits limits, int forWidth = 0, int forHeight = 0)
    {
        if (encoded.Length == 0)
            throw new ImageRejectedException(RejectionReason.Empty, "The image is empty (0 bytes).");
        if (encoded.Length > limits.MaxBytes)
            throw TooManyBytes(encoded.Length, limits);

        using var stream = new SKMemoryStream(encoded);
        using var codec = SKCodec.Create(stream, out var opened);
        if (codec is null)
            throw opened == SKCodecResult.IncompleteInput
                ? new ImageRejectedException(RejectionReason.Truncated, "The image data ends inside its header.")
                : new ImageRejectedException(RejectionReason.NotAnImage, "The data is not a recognised image format.");
        if (!Supported.Contains(codec.EncodedFormat))
            throw new ImageRejectedException(RejectionReason.UnsupportedFormat,
                $"{codec.EncodedFormat} images are not supported; send JPEG, PNG, WebP, BMP or GIF.");

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0)
            throw new ImageRejectedException(RejectionReason.Corrupt, $"The header gives an impossible size {width}x{height}.");
        if ((long)width * height > limits.MaxPixels)
            throw new ImageRejectedException(RejectionReason.TooManyPixels,
                $"The image is {width}x{height} = {(long)width * height:N0} pixels; the limit is {limits.MaxPixels:N0} (Serving:MaxImagePixels), which bounds the memory one image may take.");

        var factor = forWidth > 0 && forHeight > 0 ? Math.Min(width / forWidth, height / forHeight) : 1;
        // The codec's own scaling (JPEG at 1/2 … 1/8, WebP at any scale), by the largest factor that keeps both sides
        // at least the size the pixels are for.
        for (var f = Math.Min(factor, 8); f >= 2; f--)
        {
            var scaled = codec.GetScaledDimensions(1f / f);
            if (scaled.Width >= forWidth && scaled.Height >= forHeight && (long)scaled.Width * scaled.Height < (long)width * height)
                return DecodeWhole(codec, scaled.Width, scaled.Height);
        }
        return DecodeWhole(codec, width, height);
    }

    private static SKBitmap DecodeWhole(SKCodec codec, int width, int height)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        // Decoded pixels are the one large allocation an image causes, and it is taken from the process-wide budget
        // first: 2.5 times the bitmap, as measured with large PNGs (Skia's decoder holds a working copy of the frame,
        // and a large downscale builds mipmaps of a third more).
        var bitmap = new BudgetedBitmap(info, DecodeMemoryBudget.Shared.Acquire(info.BytesSize64 * 5 / 2));
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result == SKCodecResult.Success)
            return bitmap;

        bitmap.Dispose();
        throw Failed(codec, result);
    }

    /// <summary>The media type of an encoded image, from its header (a data URL needs one); null when it is not one of the supported formats.</summary>
    public static string? MediaType(byte[] encoded)
    {
        using var stream = new SKMemoryStream(encoded);
        using var codec = SKCodec.Create(stream);
        return codec?.EncodedFormat switch
        {
            SKEncodedImageFormat.Png => "image/png",
            SKEncodedImageFormat.Jpeg => "image/jpeg",
            SKEncodedImageFormat.Webp => "image/webp",
            SKEncodedImageFormat.Bmp => "image/bmp",
            SKEncodedImageFormat.Gif => "image/gif",
            _ => null,
        };
    }

    private static ImageRejectedException Failed(SKCodec codec, SKCodecResult result) => result == SKCodecResult.IncompleteInput
        ? new ImageRejectedException(RejectionReason.Truncated, $"The {codec.EncodedFormat} data ends before the image does.")
        : new ImageRejectedException(RejectionReason.Corrupt, $"The {codec.EncodedFormat} data is damaged ({result}).");

    private static ImageRejectedException TooManyBytes(long size, ImageLimits limits) =>
        new(RejectionReason.TooManyBytes, $"The image has {size:N0} bytes or more; the limit is {limits.MaxBytes:N0}.");
}
