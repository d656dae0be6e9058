namespace SelfTrain.Core.Embeddings;

/// <summary>What the embedding view says of one pool image.</summary>
public enum ViewVerdict { Kept, NearDuplicate, Outlier }

/// <summary>
/// The second view of the pool: each image's embedding against the gold images'. A near-copy of a held-out gold image
/// (validation or test) would leak it into training; an image unlike every gold image (train or validation) is outside
/// what the gold set, and so the calibrated thresholds, speak for.
/// </summary>
public sealed class EmbeddingView(NeighbourIndex heldOut, NeighbourIndex reference, double nearDuplicateSimilarity, double? outlierSimilarity)
{
    public ViewVerdict Judge(ReadOnlySpan<float> embedding) =>
        heldOut.Count > 0 && heldOut.MaxSimilarity(embedding) >= nearDuplicateSimilarity ? ViewVerdict.NearDuplicate
        : outlierSimilarity is { } floor && reference.Count > 0 && reference.MaxSimilarity(embedding) < floor ? ViewVerdict.Outlier
        : ViewVerdict.Kept;

    /// <summary>
    /// The similarity below which an image is farther from every reference than <paramref name="percentile"/> percent
    /// of the references are from their own nearest other one; null with fewer than two references.
    /// </summary>
    public static double? OutlierSimilarity(NeighbourIndex reference, double percentile)
    {
        if (reference.Count < 2) return null;
        var nearest = reference.NearestOtherSimilarities();
        Array.Sort(nearest);
        // The nearest-rank percentile of distances (1 − s, ascending) is, counted from the other end, a similarity.
        var rank = (int)Math.Ceiling(percentile / 100 * nearest.Length);
        return nearest[Math.Clamp(nearest.Length - rank, 0, nearest.Length - 1)];
    }
}
