namespace SelfTrain.Core.Data;

/// <summary>The Fashion-MNIST data set: 28×28 grayscale images of 10 clothing classes (60,000 train, 10,000 test).</summary>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    public const int ImageSize = 28;

    /// <summary>Class names in label order (label 0 is "T-shirt/top").</summary>
    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static LabelledImages LoadTrain(string directory = DefaultDirectory) => Load(directory, "train");

    public static LabelledImages LoadTest(string directory = DefaultDirectory) => Load(directory, "t10k");

    private static LabelledImages Load(string directory, string prefix)
    {
        var (pixels, count, rows, columns) = IdxFile.ReadImages(Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz"));
        var labelsPath = Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz");
        var labels = IdxFile.ReadLabels(labelsPath);
        if (labels.Length != count)
            throw new InvalidDataException($"{labelsPath} holds {labels.Length} labels for {count} images.");
        var highest = labels.Length == 0 ? 0 : labels.Max();
        if (highest >= ClassNames.Count)
            throw new InvalidDataException($"{labelsPath} holds label {highest}; Fashion-MNIST has {ClassNames.Count} classes.");
        return new LabelledImages(pixels, labels, 1, rows, columns);
    }
}
