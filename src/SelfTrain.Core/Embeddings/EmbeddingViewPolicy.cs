namespace SelfTrain.Core.Embeddings;

/// <summary>What a round's embedding view keeps out of training; part of the round request.</summary>
public sealed record EmbeddingViewPolicy
{
    /// <summary>
    /// Cosine similarity at or above which a pool image counts as a copy of a gold/validation or gold/test image and is
    /// kept out of training, so the gate never judges a student on images it trained on.
    /// </summary>
    public double NearDuplicateSimilarity { get; init; } = 0.99;

    /// <summary>
    /// A pool image whose nearest gold image (train or validation) is farther than this percentile of gold images'
    /// distances to their own nearest other gold image is an outlier and kept out; null keeps every one.
    /// </summary>
    public double? OutlierPercentile { get; init; } = 99;

    /// <summary>
    /// Label propagation over gold and pool embeddings: pool images are judged (and their soft labels taken) by the
    /// propagated scores, with thresholds calibrated on gold/validation's propagated scores; null: by the teacher alone.
    /// </summary>
    public LabelPropagation? Propagation { get; init; }

    public IReadOnlyList<string> Problems(string field = "view")
    {
        var problems = new List<string>();
        if (!(NearDuplicateSimilarity is > 0 and <= 1))
            problems.Add($"{field}.nearDuplicateSimilarity {NearDuplicateSimilarity} must be in (0, 1]");
        if (OutlierPercentile is { } percentile && !(percentile is >= 50 and <= 100))
            problems.Add($"{field}.outlierPercentile {percentile} must be between 50 and 100 (or null to keep outliers)");
        if (Propagation is { } propagation) problems.AddRange(propagation.Problems($"{field}.propagation"));
        return problems;
    }
}
