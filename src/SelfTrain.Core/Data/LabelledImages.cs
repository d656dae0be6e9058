namespace SelfTrain.Core.Data;

/// <summary>Images as uint8 pixels (count × channels × height × width, channel-major per image) with a class index each.</summary>
public sealed class LabelledImages
{
    public LabelledImages(byte[] pixels, byte[] labels, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        if ((long)labels.Length * channels * height * width != pixels.Length)
            throw new ArgumentException($"{pixels.Length} pixel bytes do not make {labels.Length} images of {channels}×{height}×{width}.", nameof(pixels));
        Pixels = pixels;
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
    }

    public byte[] Pixels { get; }
    public byte[] Labels { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int Count => Labels.Length;
    public int ImageBytes => Channels * Height * Width;

    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * ImageBytes, ImageBytes);

    /// <summary>The images at <paramref name="indices"/>, in that order (copies).</summary>
    public LabelledImages Select(IReadOnlyList<int> indices)
    {
        var pixels = new byte[indices.Count * ImageBytes];
        var labels = new byte[indices.Count];
        for (var i = 0; i < indices.Count; i++)
        {
            Image(indices[i]).CopyTo(pixels.AsSpan(i * ImageBytes));
            labels[i] = Labels[indices[i]];
        }
        return new LabelledImages(pixels, labels, Channels, Height, Width);
    }
}
