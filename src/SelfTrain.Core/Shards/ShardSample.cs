namespace SelfTrain.Core.Shards;

/// <summary>
/// One training sample: uint8 pixels (channels × height × width), its label, its weight in the loss and its source.
/// Exactly one of <see cref="Probabilities"/> (soft shards) and <see cref="ClassIndex"/> (hard shards) is meaningful.
/// </summary>
public sealed record ShardSample(byte[] Pixels, float[]? Probabilities, int ClassIndex, float Weight, SampleSource Source)
{
    public static ShardSample Soft(byte[] pixels, float[] probabilities, float weight = 1f, SampleSource source = SampleSource.Pseudo) =>
        new(pixels, probabilities, -1, weight, source);

    public static ShardSample Hard(byte[] pixels, int classIndex, float weight = 1f, SampleSource source = SampleSource.Gold) =>
        new(pixels, null, classIndex, weight, source);

    /// <summary>The most likely class: the hard label, or the argmax of the soft one.</summary>
    public int TopClass
    {
        get
        {
            if (Probabilities is null) return ClassIndex;
            var best = 0;
            for (var c = 1; c < Probabilities.Length; c++)
                if (Probabilities[c] > Probabilities[best]) best = c;
            return best;
        }
    }
}
