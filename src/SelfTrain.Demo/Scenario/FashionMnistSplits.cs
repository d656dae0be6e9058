using SelfTrain.Core.Data;

namespace SelfTrain.Demo.Scenario;

/// <summary>
/// Which Fashion-MNIST images play which part: the first <c>gold</c> training images are gold/train, the next ones the
/// production pool; the test split is halved into gold/validation (thresholds and the gate) and gold/test (the
/// report only).
/// </summary>
public sealed class FashionMnistSplits
{
    public const int ValidationImages = 5000;

    private FashionMnistSplits(LabelledImages train, LabelledImages test, int gold, int pool)
    {
        GoldTrain = train.Select([.. Enumerable.Range(0, gold)]);
        Pool = train.Select([.. Enumerable.Range(gold, pool)]);
        Validation = test.Select([.. Enumerable.Range(0, ValidationImages)]);
        Test = test.Select([.. Enumerable.Range(ValidationImages, test.Count - ValidationImages)]);
    }

    public LabelledImages GoldTrain { get; }
    public LabelledImages Pool { get; }
    public LabelledImages Validation { get; }
    public LabelledImages Test { get; }

    public static FashionMnistSplits Load(int gold, int? pool)
    {
        var train = FashionMnist.LoadTrain();
        if (gold < 1 || gold >= train.Count) throw new ArgumentOutOfRangeException(nameof(gold), $"--gold must be between 1 and {train.Count - 1}.");
        var available = train.Count - gold;
        if (pool is < 1 || pool > available)
            throw new ArgumentOutOfRangeException(nameof(pool), $"--pool must be between 1 and {available} (the training images after the gold ones), or 'all'.");
        return new FashionMnistSplits(train, FashionMnist.LoadTest(), gold, pool ?? available);
    }
}
