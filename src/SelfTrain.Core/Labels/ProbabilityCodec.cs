using System.Buffers.Binary;

namespace SelfTrain.Core.Labels;

/// <summary>
/// A compact text form of a probability vector for table storage: half-precision values, base64. Up to
/// <see cref="FullVectorLimit"/> classes the whole vector is kept ("f:"); beyond it only the top
/// <see cref="TopK"/> (index, probability) pairs ("k:"), the rest read back as zero. Half precision keeps three
/// significant digits, plenty for soft labels.
/// </summary>
public static class ProbabilityCodec
{
    public const int FullVectorLimit = 64;
    public const int TopK = 10;

    public static string Encode(ReadOnlySpan<float> probabilities)
    {
        if (probabilities.Length <= FullVectorLimit)
        {
            var bytes = new byte[probabilities.Length * 2];
            for (var i = 0; i < probabilities.Length; i++)
                BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(2 * i), (Half)probabilities[i]);
            return "f:" + Convert.ToBase64String(bytes);
        }

        var top = new int[probabilities.Length];
        for (var i = 0; i < top.Length; i++) top[i] = i;
        var values = probabilities.ToArray();
        Array.Sort(top, (a, b) => values[b].CompareTo(values[a]) is var c && c != 0 ? c : a.CompareTo(b));
        var pairs = new byte[TopK * 6];
        for (var i = 0; i < TopK; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(pairs.AsSpan(6 * i), top[i]);
            BinaryPrimitives.WriteHalfLittleEndian(pairs.AsSpan(6 * i + 4), (Half)values[top[i]]);
        }
        return $"k{probabilities.Length}:" + Convert.ToBase64String(pairs);
    }

    public static float[] Decode(string encoded)
    {
        var colon = encoded.IndexOf(':');
        if (colon < 1) throw new FormatException($"'{encoded}' is not an encoded probability vector.");
        var bytes = Convert.FromBase64String(encoded[(colon + 1)..]);
        if (encoded[0] == 'f' && colon == 1)
        {
            var full = new float[bytes.Length / 2];
            for (var i = 0; i < full.Length; i++) full[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(2 * i));
            return full;
        }
        if (encoded[0] == 'k' && int.TryParse(encoded.AsSpan(1, colon - 1), out var length))
        {
            var sparse = new float[length];
            for (var i = 0; i + 6 <= bytes.Length; i += 6)
                sparse[BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(i))] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(i + 4));
            return sparse;
        }
        throw new FormatException($"'{encoded[..colon]}' is not a known probability encoding.");
    }
}
