namespace SelfTrain.Core.Evaluation;

/// <summary>Counts of (true class, predicted class) pairs, and the usual metrics derived from them.</summary>
public sealed class ConfusionMatrix
{
    private readonly long[,] _counts;

    public ConfusionMatrix(int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        Classes = classes;
        _counts = new long[classes, classes];
    }

    public static ConfusionMatrix From(IReadOnlyList<int> truth, IReadOnlyList<int> predicted, int classes)
    {
        if (truth.Count != predicted.Count)
            throw new ArgumentException($"{truth.Count} true labels but {predicted.Count} predictions.");
        var matrix = new ConfusionMatrix(classes);
        for (var i = 0; i < truth.Count; i++) matrix.Add(truth[i], predicted[i]);
        return matrix;
    }

    public int Classes { get; }
    public long Total { get; private set; }

    /// <summary>How many images of class <paramref name="truth"/> were predicted as <paramref name="predicted"/>.</summary>
    public long this[int truth, int predicted] => _counts[truth, predicted];

    public void Add(int truth, int predicted)
    {
        _counts[truth, predicted]++;
        Total++;
    }

    public double Accuracy => Total == 0 ? 0 : (double)Enumerable.Range(0, Classes).Sum(c => _counts[c, c]) / Total;

    /// <summary>Of the images predicted as <paramref name="c"/>, the share that are <paramref name="c"/> (0 when none were).</summary>
    public double Precision(int c)
    {
        var predicted = Enumerable.Range(0, Classes).Sum(t => _counts[t, c]);
        return predicted == 0 ? 0 : (double)_counts[c, c] / predicted;
    }

    /// <summary>Of the images of class <paramref name="c"/>, the share predicted as <paramref name="c"/> (0 when none exist).</summary>
    public double Recall(int c)
    {
        var actual = Enumerable.Range(0, Classes).Sum(p => _counts[c, p]);
        return actual == 0 ? 0 : (double)_counts[c, c] / actual;
    }

    public double F1(int c)
    {
        var (p, r) = (Precision(c), Recall(c));
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /// <summary>The unweighted mean of the per-class F1 scores: every class counts the same, however rare.</summary>
    public double MacroF1 => Enumerable.Range(0, Classes).Average(F1);

    public long[][] ToArray() =>
        Enumerable.Range(0, Classes).Select(t => Enumerable.Range(0, Classes).Select(p => _counts[t, p]).ToArray()).ToArray();
}
