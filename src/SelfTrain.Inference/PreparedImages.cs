namespace SelfTrain.Inference;

/// <summary>
/// Encoded images decoded and preprocessed in parallel straight into one dense input tensor for a model: the images
/// that decoded lie end to end, and each refused one keeps its reason. A bad image never spoils its neighbours.
/// </summary>
internal sealed class PreparedImages
{
    private readonly int[] _slots;

    private PreparedImages(float[] batch, int accepted, int[] slots, (int Width, int Height)[] sizes, ImageRejectedException?[] rejections)
    {
        Batch = batch;
        Accepted = accepted;
        _slots = slots;
        Sizes = sizes;
        Rejections = rejections;
    }

    /// <summary>The model's input: <see cref="Accepted"/> samples, then unused space.</summary>
    public float[] Batch { get; }

    public int Accepted { get; }

    /// <summary>Each image's decoded size; (0, 0) when refused.</summary>
    public IReadOnlyList<(int Width, int Height)> Sizes { get; }

    /// <summary>Why each image was refused; null when it was accepted.</summary>
    public IReadOnlyList<ImageRejectedException?> Rejections { get; }

    /// <summary>The position of image <paramref name="index"/> in <see cref="Batch"/>, or -1 when it was refused.</summary>
    public int SampleOf(int index) => _slots[index] - 1;

    public static PreparedImages Prepare(OnnxClassifier model, IReadOnlyList<byte[]> images, ImageLimits limits)
    {
        var input = model.Manifest.Input;
        var sampleLength = model.SampleLength;
        var batch = new float[checked((int)((long)images.Count * sampleLength))];
        var sizes = new (int Width, int Height)[images.Count];
        var rejections = new ImageRejectedException?[images.Count];
        var slots = new int[images.Count];

        void Prepare(int i)
        {
            try
            {
                using var bitmap = ImageDecoder.Decode(images[i], limits, input.Width, input.Height);
                ImagePreprocessor.Write(bitmap, input, batch.AsSpan(checked(i * sampleLength), sampleLength));
                sizes[i] = (bitmap.Width, bitmap.Height);
                slots[i] = 1;
            }
            catch (ImageRejectedException rejection)
            {
                rejections[i] = rejection;
            }
        }
        // A single image (a prediction request) is prepared inline: a parallel loop would only add a thread hop.
        if (images.Count == 1) Prepare(0);
        else Parallel.For(0, images.Count, Prepare);

        // Close the gaps left by refused images so the model sees one dense batch.
        var accepted = 0;
        for (var i = 0; i < images.Count; i++)
        {
            if (slots[i] == 0) continue;
            if (accepted != i) Array.Copy(batch, (long)i * sampleLength, batch, (long)accepted * sampleLength, sampleLength);
            slots[i] = ++accepted;
        }
        return new PreparedImages(batch, accepted, slots, sizes, rejections);
    }
}
