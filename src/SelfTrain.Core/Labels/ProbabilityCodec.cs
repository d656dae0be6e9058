using System.Buffers.Binary;

namespace SelfTrain.Core.Labels;

/// <summary>
/// A compact text form of a probability vector for table storage: the whole vector as half-precision values,
/// base64 ("f:"). Half precision keeps three significant digits, plenty for soft labels, and 10,000 classes fit a
/// table property (27,000 characters of the 32,768 allowed). Decoding renormalises, so a vector always sums to 1
/// however it was rounded. Rows written by earlier versions as the top ten only ("k{n}:") still read back, the
/// rest of their classes as zero.
/// </summary>
public static class ProbabilityCodec
{
    public const int MaxClasses = 10_000;

    public static string Encode(ReadOnlySpan<float> probabilities)
    {
        if (probabilities.Length > MaxClasses)
            throw new ArgumentException($"{probabilities.Length} classes; a label row holds at most {MaxClasses}.", nameof(probabilities));
        var bytes = new byte[probabilities.Length * 2];
        for (var i = 0; i < probabilities.Length; i++)
            BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(2 * i), (Half)probabilities[i]);
        return "f:" + Convert.ToBase64String(bytes);
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
            return Normalized(full);
        }
        if (encoded[0] == 'k' && int.TryParse(encoded.AsSpan(1, colon - 1), out var length) && length is > 0 and <= MaxClasses)
        {
            var sparse = new float[length];
            for (var i = 0; i + 6 <= bytes.Length; i += 6)
            {
                var index = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(i));
                if (index < 0 || index >= length) throw new FormatException($"Class {index} is outside a {length}-class vector.");
                sparse[index] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(i + 4));
            }
            return Normalized(sparse);
        }
        throw new FormatException($"'{encoded[..colon]}' is not a known probability encoding.");
    }

    private static float[] Normalized(float[] values)
    {
        var sum = 0f;
        foreach (var v in values) sum += v;
        if (sum > 0 && float.IsFinite(sum))
            for (var i = 0; i < values.Length; i++) values[i] /= sum;
        return values;
    }
}
