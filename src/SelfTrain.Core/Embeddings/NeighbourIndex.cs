using System.Numerics.Tensors;

namespace SelfTrain.Core.Embeddings;

/// <summary>
/// Reference embeddings scaled to unit length, so cosine similarity is one dot product (TensorPrimitives) per row.
/// A query costs rows × dimensions: exact, and cheap at the gold set's size (thousands) for every pool image.
/// </summary>
public sealed class NeighbourIndex
{
    private readonly float[] _unit;

    public NeighbourIndex(EmbeddingSet references)
    {
        Dimensions = references.Dimensions;
        Count = references.Count;
        _unit = UnitRows(references);
    }

    /// <summary>The set's rows scaled to unit length, end to end.</summary>
    public static float[] UnitRows(EmbeddingSet set)
    {
        var unit = new float[set.Vectors.Length];
        for (var row = 0; row < set.Count; row++) Normalize(set[row], unit.AsSpan(row * set.Dimensions, set.Dimensions));
        return unit;
    }

    public int Dimensions { get; }
    public int Count { get; }

    /// <summary>The highest cosine similarity of <paramref name="query"/> to any reference but <paramref name="except"/>; -1 when none.</summary>
    public float MaxSimilarity(ReadOnlySpan<float> query, int except = -1)
    {
        if (query.Length != Dimensions) throw new ArgumentException($"A query of {query.Length} dimensions cannot be compared with references of {Dimensions}.", nameof(query));
        Span<float> unit = query.Length <= 1024 ? stackalloc float[query.Length] : new float[query.Length];
        Normalize(query, unit);
        var best = -1f;
        for (var row = 0; row < Count; row++)
        {
            if (row == except) continue;
            var similarity = TensorPrimitives.Dot(unit, _unit.AsSpan(row * Dimensions, Dimensions));
            if (similarity > best) best = similarity;
        }
        return best;
    }

    /// <summary>Each reference's similarity to its nearest other reference: how close the set's own images lie.</summary>
    public float[] NearestOtherSimilarities()
    {
        var similarities = new float[Count];
        Parallel.For(0, Count, row => similarities[row] = MaxSimilarity(_unit.AsSpan(row * Dimensions, Dimensions), except: row));
        return similarities;
    }

    private static void Normalize(ReadOnlySpan<float> vector, Span<float> unit)
    {
        var norm = TensorPrimitives.Norm(vector);
        // A zero vector has no direction: it stays zero and so is similar to nothing.
        if (norm > 0f) TensorPrimitives.Divide(vector, norm, unit);
        else unit.Clear();
    }
}
