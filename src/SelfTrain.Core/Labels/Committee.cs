using System.Numerics.Tensors;

namespace SelfTrain.Core.Labels;

/// <summary>Several models' views of one image, combined: the mean of their probability vectors.</summary>
public static class Committee
{
    public static float[] Mean(IReadOnlyList<float[]> probabilities)
    {
        ArgumentOutOfRangeException.ThrowIfZero(probabilities.Count);
        var mean = new float[probabilities[0].Length];
        foreach (var p in probabilities)
        {
            if (p.Length != mean.Length) throw new ArgumentException($"{p.Length} probabilities where the others have {mean.Length}.", nameof(probabilities));
            TensorPrimitives.Add(mean, p, mean);
        }
        TensorPrimitives.Divide(mean, probabilities.Count, mean);
        return mean;
    }

    /// <summary>The committee's prediction: <paramref name="teacher"/>'s joined by the other views of the same image.</summary>
    public static Prediction Join(Prediction teacher, IEnumerable<Prediction> others, IReadOnlyList<string> classes) =>
        Prediction.FromProbabilities(Mean([teacher.Probabilities, .. others.Select(o => o.Probabilities)]), classes);
}
