namespace SelfTrain.Core.Embeddings;

/// <summary>
/// Embeddings of images by one embedding model: one row per key (a pool image's content hash, or a gold image's blob
/// name), <see cref="Dimensions"/> floats each, laid end to end in <see cref="Vectors"/>.
/// </summary>
public sealed class EmbeddingSet
{
    public EmbeddingSet(string model, int dimensions, IReadOnlyList<string> keys, float[] vectors)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        if (vectors.Length != (long)keys.Count * dimensions)
            throw new ArgumentException($"{keys.Count} rows of {dimensions} need {(long)keys.Count * dimensions} floats; got {vectors.Length}.", nameof(vectors));
        Model = model;
        Dimensions = dimensions;
        Keys = keys;
        Vectors = vectors;
    }

    /// <summary>The embedding model's name, as its endpoint's <c>/info</c> gives it.</summary>
    public string Model { get; }

    public int Dimensions { get; }
    public IReadOnlyList<string> Keys { get; }
    public float[] Vectors { get; }
    public int Count => Keys.Count;

    public ReadOnlySpan<float> this[int row] => Vectors.AsSpan(row * Dimensions, Dimensions);

    public static EmbeddingSet Empty(string model, int dimensions) => new(model, dimensions, [], []);

    /// <summary>The rows of <paramref name="sets"/> in order; all from the same model, of the same length.</summary>
    public static EmbeddingSet Concat(string model, int dimensions, IEnumerable<EmbeddingSet> sets)
    {
        var all = sets.ToArray();
        if (all.FirstOrDefault(s => s.Model != model || s.Dimensions != dimensions) is { } other)
            throw new ArgumentException($"Embeddings of {other.Model} ({other.Dimensions}) cannot join those of {model} ({dimensions}).", nameof(sets));
        return new(model, dimensions, [.. all.SelectMany(s => s.Keys)], [.. all.SelectMany(s => s.Vectors)]);
    }
}
