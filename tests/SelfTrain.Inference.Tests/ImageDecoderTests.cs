using SelfTrain.Testing;
using SkiaSharp;

namespace SelfTrain.Inference.Tests;

public sealed class ImageDecoderTests
{
    [Theory]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    [InlineData(SKEncodedImageFormat.Webp)]
    public void Skia_encoded_formats_decode_to_their_size(SKEncodedImageFormat format)
    {
        using var source = TestImages.Noise(37, 21, seed: 1);
        using var decoded = ImageDecoder.Decode(TestImages.Encode(source, format), ImageLimits.Default);
        Assert.Equal((37, 21), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void Lossless_formats_keep_every_pixel()
    {
        using var source = TestImages.Noise(9, 7, seed: 2);
        foreach (var encoded in new[] { TestImages.Encode(source, SKEncodedImageFormat.Png), TestImages.Bmp(source) })
        {
            using var decoded = ImageDecoder.Decode(encoded, ImageLimits.Default);
            for (var y = 0; y < 7; y++)
            for (var x = 0; x < 9; x++)
                Assert.Equal(source.GetPixel(x, y), decoded.GetPixel(x, y));
        }
    }

    [Fact]
    public void Gray_png_decodes_with_equal_channels()
    {
        using var decoded = ImageDecoder.Decode(TestImages.Png(5, 5, seed: 3, gray: true), ImageLimits.Default);
        var pixel = decoded.GetPixel(2, 3);
        Assert.Equal(pixel.Red, pixel.Green);
        Assert.Equal(pixel.Red, pixel.Blue);
    }

    [Fact]
    public void Gif_gives_its_first_frame()
    {
        using var decoded = ImageDecoder.Decode(TestImages.TwoFrameGif(), ImageLimits.Default);
        Assert.Equal(SKColors.White, decoded.GetPixel(0, 0));
    }

    public static TheoryData<string, byte[], RejectionReason> BadInputs() => new()
    {
        { "empty", [], RejectionReason.Empty },
        { "text", TestImages.NotAnImage(), RejectionReason.NotAnImage },
        { "wbmp", TestImages.Wbmp(), RejectionReason.UnsupportedFormat },
        { "bomb", TestImages.BmpHeader(10_000, 10_000), RejectionReason.TooManyPixels },
        { "truncated", TestImages.TruncatedPng(), RejectionReason.Truncated },
        { "corrupt", TestImages.CorruptPng(), RejectionReason.Corrupt },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_is_refused_with_its_own_reason(string name, byte[] bytes, RejectionReason reason)
    {
        var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(bytes, ImageLimits.Default));
        Assert.True(reason == error.Reason, $"{name}: expected {reason}, got {error.Reason} ({error.Message})");
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Pixel_limit_is_checked_from_the_header()
    {
        // 6,000 × 6,000 = 36 MP of a 54-byte BMP header: refused from the header alone, before any pixel is allocated.
        var error = Assert.Throws<ImageRejectedException>(() =>
            ImageDecoder.Decode(TestImages.BmpHeader(6_000, 6_000), ImageLimits.Default with { MaxPixels = 1_000_000 }));
        Assert.Contains("Serving:MaxImagePixels", error.Message);
        Assert.Equal(RejectionReason.TooManyPixels, error.Reason);
        Assert.Contains("36,000,000", error.Message);
    }

    [Fact]
    public async Task Reading_stops_at_the_byte_limit_even_without_a_length()
    {
        var limits = ImageLimits.Default with { MaxBytes = 1_000 };
        var endless = new NonSeekableStream(new MemoryStream(new byte[10_000_000]));
        var error = await Assert.ThrowsAsync<ImageRejectedException>(() => ImageDecoder.ReadAsync(endless, limits));
        Assert.Equal(RejectionReason.TooManyBytes, error.Reason);
        Assert.True(endless.BytesRead < 200_000, $"read {endless.BytesRead} bytes before refusing");
    }

    [Fact]
    public async Task Reading_refuses_a_seekable_stream_over_the_limit_before_reading_it()
    {
        var stream = new MemoryStream(new byte[2_000]);
        var error = await Assert.ThrowsAsync<ImageRejectedException>(() => ImageDecoder.ReadAsync(stream, ImageLimits.Default with { MaxBytes = 1_999 }));
        Assert.Equal(RejectionReason.TooManyBytes, error.Reason);
        Assert.Equal(0, stream.Position);
    }

    [Fact]
    public async Task Reading_an_empty_stream_is_refused()
    {
        var error = await Assert.ThrowsAsync<ImageRejectedException>(() => ImageDecoder.ReadAsync(new MemoryStream(), ImageLimits.Default));
        Assert.Equal(RejectionReason.Empty, error.Reason);
    }

    [Theory]
    [InlineData(100)]    // announced short: the buffer grows
    [InlineData(5_000)]  // announced exactly
    [InlineData(50_000)] // announced long: what arrived is the image
    public async Task Reading_with_an_announced_length_returns_every_byte_that_arrives(long announced)
    {
        var png = TestImages.Png(40, 40, seed: 9);
        Assert.Equal(png, await ImageDecoder.ReadAsync(new NonSeekableStream(new MemoryStream(png)), ImageLimits.Default, length: announced == 5_000 ? png.Length : announced));
    }

    [Fact]
    public async Task Reading_refuses_more_than_the_limit_whatever_length_was_announced()
    {
        var limits = ImageLimits.Default with { MaxBytes = 1_000 };
        var announcedTooLong = await Assert.ThrowsAsync<ImageRejectedException>(() => ImageDecoder.ReadAsync(new NonSeekableStream(new MemoryStream(new byte[10])), limits, length: 1_001));
        var arrivedTooLong = await Assert.ThrowsAsync<ImageRejectedException>(() => ImageDecoder.ReadAsync(new NonSeekableStream(new MemoryStream(new byte[1_500])), limits, length: 10));
        var unannouncedTooLong = await Assert.ThrowsAsync<ImageRejectedException>(() => ImageDecoder.ReadAsync(new NonSeekableStream(new MemoryStream(new byte[1_500])), limits));
        Assert.All([announcedTooLong, arrivedTooLong, unannouncedTooLong], e => Assert.Equal(RejectionReason.TooManyBytes, e.Reason));
    }

    [Fact]
    public async Task Reading_returns_every_byte()
    {
        var png = TestImages.Png(40, 40, seed: 9);
        Assert.Equal(png, await ImageDecoder.ReadAsync(new NonSeekableStream(new MemoryStream(png)), ImageLimits.Default));
    }

    private sealed class NonSeekableStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void A_JPEG_far_larger_than_the_model_input_decodes_at_a_reduced_size()
    {
        using var photo = TestImages.Noise(2048, 1536, seed: 4);
        var jpeg = TestImages.Encode(photo, SKEncodedImageFormat.Jpeg, quality: 90);

        using var reduced = ImageDecoder.Decode(jpeg, ImageLimits.Default, 224, 224);
        using var whole = ImageDecoder.Decode(jpeg, ImageLimits.Default);

        // The codec scales by 1/2, 1/4 or 1/8 while it decodes: 1/4 keeps both sides at 224 px or more.
        Assert.Equal((512, 384), (reduced.Width, reduced.Height));
        Assert.Equal((2048, 1536), (whole.Width, whole.Height));
    }

    [Fact]
    public void Decoded_images_hold_the_memory_budget_until_they_are_disposed()
    {
        var budget = new DecodeMemoryBudget(10L * 1024 * 1024);

        var first = budget.Acquire(6L * 1024 * 1024);
        Assert.Null(budget.TryAcquire(6L * 1024 * 1024)); // a second would wait
        using (var beside = budget.TryAcquire(4L * 1024 * 1024)) Assert.NotNull(beside);
        first.Dispose();
        using var second = budget.TryAcquire(6L * 1024 * 1024);
        Assert.NotNull(second);
        using var whole = budget.TryAcquire(1L << 40); // larger than the budget: it needs all of it, and 6 MB are taken
        Assert.Null(whole);
    }

}

public sealed class PngEncoderTests
{
    [Fact]
    public void Gray_pixels_survive_a_png_round_trip()
    {
        var pixels = Enumerable.Range(0, 28 * 28).Select(i => (byte)(i * 7)).ToArray();
        using var decoded = ImageDecoder.Decode(PngEncoder.EncodeGray(pixels, 28, 28), ImageLimits.Default);
        for (var i = 0; i < pixels.Length; i++)
            Assert.Equal(pixels[i], decoded.GetPixel(i % 28, i / 28).Red);
    }
}
