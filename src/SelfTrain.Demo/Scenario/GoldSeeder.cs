using SelfTrain.Client;
using SelfTrain.Core.Data;
using SelfTrain.Inference;
using SelfTrain.Storage;
using Spectre.Console;

namespace SelfTrain.Demo.Scenario;

/// <summary>Uploads the gold splits as PNG blobs with their true labels: gold/train, gold/validation and gold/test.</summary>
public sealed class GoldSeeder(GoldStore gold)
{
    public async Task SeedAsync(FashionMnistSplits splits, ProgressTask progress, CancellationToken cancellationToken)
    {
        await gold.SetClassesAsync(FashionMnist.ClassNames, cancellationToken);
        (GoldSplit Split, LabelledImages Images)[] parts =
            [(GoldSplit.Train, splits.GoldTrain), (GoldSplit.Validation, splits.Validation), (GoldSplit.Test, splits.Test)];
        progress.MaxValue = parts.Sum(p => p.Images.Count);
        foreach (var (split, images) in parts)
            await Uploads.ForEachAsync(images.Count, () => progress.Increment(1), cancellationToken, (i, ct) =>
                gold.UploadAsync(split, images.Labels[i], $"{i:D5}.png", new BinaryData(Png(images, i)), ct));
    }

    public static byte[] Png(LabelledImages images, int index) => PngEncoder.EncodeGray(images.Image(index), images.Width, images.Height);
}
