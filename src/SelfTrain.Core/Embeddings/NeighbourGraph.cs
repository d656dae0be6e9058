using System.Numerics.Tensors;

namespace SelfTrain.Core.Embeddings;

/// <summary>
/// The exact k-nearest-neighbour graph of a set of embeddings by cosine similarity: for each row, its
/// <see cref="Neighbours"/> most similar other rows and their similarities, most similar first. Built in blocks of rows,
/// in parallel, one <c>TensorPrimitives.Dot</c> per pair: memory stays at rows × k, the time at rows² × dimensions.
/// </summary>
public sealed class NeighbourGraph
{
    private NeighbourGraph(int count, int neighbours, int[] indices, float[] similarities)
    {
        Count = count;
        Neighbours = neighbours;
        Indices = indices;
        Similarities = similarities;
    }

    public int Count { get; }
    public int Neighbours { get; }

    /// <summary>Row <c>r</c>'s neighbours at <c>[r × k, (r + 1) × k)</c>; -1 where a row has fewer than k others.</summary>
    public int[] Indices { get; }
    public float[] Similarities { get; }

    public ReadOnlySpan<int> NeighboursOf(int row) => Indices.AsSpan(row * Neighbours, Neighbours);
    public ReadOnlySpan<float> SimilaritiesOf(int row) => Similarities.AsSpan(row * Neighbours, Neighbours);

    public static NeighbourGraph Build(EmbeddingSet embeddings, int neighbours, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(neighbours, 1);
        int n = embeddings.Count, d = embeddings.Dimensions, k = neighbours;
        var unit = NeighbourIndex.UnitRows(embeddings);
        var indices = new int[n * k];
        var similarities = new float[n * k];
        Array.Fill(indices, -1);
        Array.Fill(similarities, float.NegativeInfinity);
        // Blocks of rows keep each worker's references in cache while it scans the set.
        const int Block = 64;
        Parallel.For(0, (n + Block - 1) / Block, new ParallelOptions { CancellationToken = cancellationToken }, block =>
        {
            var first = block * Block;
            var last = Math.Min(n, first + Block);
            for (var other = 0; other < n; other++)
            {
                var reference = unit.AsSpan(other * d, d);
                for (var row = first; row < last; row++)
                {
                    if (row == other) continue;
                    var similarity = TensorPrimitives.Dot(unit.AsSpan(row * d, d), reference);
                    var best = similarities.AsSpan(row * k, k);
                    if (similarity <= best[k - 1]) continue;
                    // Insertion into the row's sorted top k.
                    var at = k - 1;
                    var ids = indices.AsSpan(row * k, k);
                    while (at > 0 && best[at - 1] < similarity)
                    {
                        best[at] = best[at - 1];
                        ids[at] = ids[at - 1];
                        at--;
                    }
                    best[at] = similarity;
                    ids[at] = other;
                }
            }
        });
        for (var i = 0; i < similarities.Length; i++)
            if (indices[i] < 0) similarities[i] = 0f;
        return new NeighbourGraph(n, k, indices, similarities);
    }
}
