namespace SelfTrain.Core.Labels;

public static class Softmax
{
    /// <summary>In-place, numerically stable softmax over <paramref name="values"/>.</summary>
    public static void Apply(Span<float> values)
    {
        var max = float.NegativeInfinity;
        foreach (var v in values) max = Math.Max(max, v);
        var sum = 0f;
        for (var i = 0; i < values.Length; i++) sum += values[i] = MathF.Exp(values[i] - max);
        for (var i = 0; i < values.Length; i++) values[i] /= sum;
    }
}
