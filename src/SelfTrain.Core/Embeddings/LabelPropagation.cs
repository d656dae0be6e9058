using System.Numerics.Tensors;

namespace SelfTrain.Core.Embeddings;

/// <summary>
/// Label propagation over a k-nearest-neighbour graph (Zhou et al., "Learning with local and global consistency";
/// the sparse form of Iscen et al., "Label propagation for deep semi-supervised learning"): edge weights are
/// similarity^<see cref="Gamma"/>, the graph is made symmetric and normalised, S = D^-½ W D^-½, and
/// F ← α S F + (1 − α) Y is iterated from the seeds Y — one-hot rows for gold images, the teacher's probabilities for
/// the rest — so each image's answer mixes its own evidence with its neighbours'. The result is one distribution per
/// row (rows with no evidence anywhere near stay uniform).
/// </summary>
public sealed record LabelPropagation
{
    /// <summary>
    /// Images one propagation takes: its exact k-NN graph costs time quadratic in them (27,000 take about 10 s on 2
    /// cores, 200,000 about 10 minutes) and holds every embedding in memory (400 MB at 512 dimensions).
    /// </summary>
    public const int MaxImages = 200_000;

    public int Neighbours { get; init; } = 10;
    public double Alpha { get; init; } = 0.8;
    public double Gamma { get; init; } = 3;
    public int Iterations { get; init; } = 20;

    public IReadOnlyList<string> Problems(string field = "propagation")
    {
        var problems = new List<string>();
        if (Neighbours is < 1 or > 100) problems.Add($"{field}.neighbours {Neighbours} must be between 1 and 100");
        if (!(Alpha is > 0 and < 1)) problems.Add($"{field}.alpha {Alpha} must be in (0, 1)");
        if (!(Gamma is >= 1 and <= 10)) problems.Add($"{field}.gamma {Gamma} must be between 1 and 10");
        if (Iterations is < 1 or > 100) problems.Add($"{field}.iterations {Iterations} must be between 1 and 100");
        return problems;
    }

    /// <param name="seeds">rows × classes: each row's own evidence (may be all zero).</param>
    /// <returns>rows × classes, each row a distribution.</returns>
    public float[] Propagate(NeighbourGraph graph, float[] seeds, int classes)
    {
        var n = graph.Count;
        if (seeds.Length != (long)n * classes) throw new ArgumentException($"{n} rows of {classes} classes need {(long)n * classes} seeds; got {seeds.Length}.", nameof(seeds));
        var (neighbours, weights) = SymmetricWeights(graph);

        var scores = (float[])seeds.Clone();
        var next = new float[scores.Length];
        var alpha = (float)Alpha;
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var current = scores;
            Parallel.For(0, n, row =>
            {
                var target = next.AsSpan(row * classes, classes);
                TensorPrimitives.Multiply(seeds.AsSpan(row * classes, classes), 1 - alpha, target);
                var ids = neighbours[row];
                var w = weights[row];
                for (var j = 0; j < ids.Length; j++)
                    TensorPrimitives.MultiplyAdd(current.AsSpan(ids[j] * classes, classes), alpha * w[j], target, target);
            });
            (scores, next) = (next, scores);
        }
        for (var row = 0; row < n; row++)
        {
            var distribution = scores.AsSpan(row * classes, classes);
            var sum = TensorPrimitives.Sum(distribution);
            if (sum > 0) TensorPrimitives.Divide(distribution, sum, distribution);
            else distribution.Fill(1f / classes);
        }
        return scores;
    }

    /// <summary>W + Wᵀ with weights similarity^γ (negative similarities count as none), normalised by D^-½ on both sides.</summary>
    private (int[][] Neighbours, float[][] Weights) SymmetricWeights(NeighbourGraph graph)
    {
        var n = graph.Count;
        var edges = new Dictionary<int, float>[n];
        for (var row = 0; row < n; row++) edges[row] = [];
        for (var row = 0; row < n; row++)
        {
            var ids = graph.NeighboursOf(row);
            var similarities = graph.SimilaritiesOf(row);
            for (var j = 0; j < ids.Length; j++)
            {
                if (ids[j] < 0 || similarities[j] <= 0) continue;
                var weight = (float)Math.Pow(similarities[j], Gamma);
                edges[row][ids[j]] = edges[row].GetValueOrDefault(ids[j]) + weight;
                edges[ids[j]][row] = edges[ids[j]].GetValueOrDefault(row) + weight;
            }
        }
        var degree = edges.Select(e => e.Values.Sum()).ToArray();
        var neighbours = new int[n][];
        var weights = new float[n][];
        for (var row = 0; row < n; row++)
        {
            neighbours[row] = [.. edges[row].Keys];
            weights[row] = [.. edges[row].Select(e => e.Value / MathF.Sqrt(degree[row] * degree[e.Key]))];
        }
        return (neighbours, weights);
    }
}
