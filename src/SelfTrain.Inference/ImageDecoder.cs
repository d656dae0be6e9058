using SkiaSharp;

namespace SelfTrain.Inference;

/// <summary>
/// Turns untrusted bytes into pixels, refusing anything that is not a whole JPEG, PNG, WebP, BMP or GIF (first frame)
/// within the limits. Dimensions are checked from the header, so a decompression bomb is refused before any pixel
/// memory is allocated.
/// </summary>
public static class ImageDecoder
{
    private static readonly HashSet<SKEncodedImageFormat> Supported =
    [
        SKEncodedImageFormat.Jpeg, SKEncodedImageFormat.Png, SKEncodedImageFormat.Webp,
        SKEncodedImageFormat.Bmp, SKEncodedImageFormat.Gif,
    ];

    /// <summary>Reads at most <see cref="ImageLimits.MaxBytes"/> bytes; more is a <see cref="RejectionReason.TooManyBytes"/>.</summary>
    public static async Task<byte[]> ReadAsync(Stream content, ImageLimits limits, CancellationToken cancellationToken = default)
    {
        if (content.CanSeek && content.Length - content.Position > limits.MaxBytes)
            throw TooManyBytes(content.Length - content.Position, limits);

        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limits.MaxBytes)
                throw TooManyBytes(buffer.Length + read, limits);
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
            throw new ImageRejectedException(RejectionReason.Empty, "The image is empty (0 bytes).");
        return buffer.ToArray();
    }

    /// <summary>Decodes to 8-bit RGBA (unpremultiplied). The caller owns the bitmap.</summary>
    public static SKBitmap Decode(byte[] encoded, ImageLimits limits)
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
                $"The image is {width}x{height} = {(long)width * height:N0} pixels; the limit is {limits.MaxPixels:N0}.");

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result == SKCodecResult.Success)
            return bitmap;

        bitmap.Dispose();
        throw result == SKCodecResult.IncompleteInput
            ? new ImageRejectedException(RejectionReason.Truncated, $"The {codec.EncodedFormat} data ends before the image does.")
            : new ImageRejectedException(RejectionReason.Corrupt, $"The {codec.EncodedFormat} data is damaged ({result}).");
    }

    private static ImageRejectedException TooManyBytes(long size, ImageLimits limits) =>
        new(RejectionReason.TooManyBytes, $"The image has {size:N0} bytes or more; the limit is {limits.MaxBytes:N0}.");
}
