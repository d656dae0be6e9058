using System.Numerics.Tensors;

namespace SelfTrain.Core.Evaluation;

/// <summary>A class's pseudo-label acceptance threshold and what it is expected to yield.</summary>
/// <param name="Threshold">Accept a pseudo-label of this class when the teacher's confidence is at least this; above 1: never.</param>
/// <param name="EstimatedPrecision">Share of accepted validation predictions that were right.</param>
/// <param name="Coverage">Share of the validation images predicted as this class that the threshold accepts.</param>
/// <param name="Support">Validation images predicted as this class.</param>
public sealed record ClassThreshold(int ClassIndex, double Threshold, double EstimatedPrecision, double Coverage, int Support);

/// <summary>
/// Per-class confidence thresholds chosen on held-out gold data so that the pseudo-labels accepted reach a target
/// precision (the approach of SageMaker Ground Truth's automated labelling). For each class the teacher's
/// predictions of that class are sorted by confidence; the threshold is the lowest confidence at which the
/// predictions at or above it still reach the target precision, over at least <c>minimumAccepted</c> images so one
/// lucky guess does not set it. A class that cannot reach the target accepts nothing.
/// <para>
/// "Reach" keeps a margin: the lower end of the precision's Wilson interval at z = <see cref="DefaultMarginZ"/> (about
/// 69% one-sided), not the observed share, must be at the target. Of all the cuts whose observed share passes, the
/// lowest is the one most likely to have passed by luck, so without a margin the pool measures below the target. A
/// target of 1 asks for every accepted prediction to be right: no interval reaches 1.
/// </para>
/// </summary>
public static class ConfidenceThresholds
{
    public const double Never = 1.01;

    /// <summary>
    /// About half a standard error. Measured on Fashion-MNIST against the pool's truth, 95% target, 4 draws
    /// (<c>SelfTrain.Trainer experiment-propagation --seeds 0 1 2 3 --margins 0 0.5</c>): without a margin the accepted
    /// pseudo-labels measured 94.3-95.4% (teacher alone) and 94.8-95.5% (propagated), coat's propagated ones 88.9% in the
    /// demo's draw; with it 94.8-95.7% and 95.2-95.8%, coat 91.1-93.2%, for 2.5-10% fewer accepted.
    /// </summary>
    public const double DefaultMarginZ = 0.5;

    /// <summary>The thresholds of a model's class probabilities: each image's prediction is its most probable class.</summary>
    public static IReadOnlyList<ClassThreshold> Calibrate(IReadOnlyList<float[]> probabilities, IReadOnlyList<int> truth, int classes,
        double targetPrecision = 0.95, int minimumAccepted = 20, double marginZ = DefaultMarginZ)
    {
        var predicted = probabilities.Select(p => TensorPrimitives.IndexOfMax<float>(p)).ToArray();
        return Calibrate(truth, predicted, [.. probabilities.Select((p, i) => (double)p[predicted[i]])], classes, targetPrecision, minimumAccepted, marginZ);
    }

    public static IReadOnlyList<ClassThreshold> Calibrate(IReadOnlyList<int> truth, IReadOnlyList<int> predicted, IReadOnlyList<double> confidence,
        int classes, double targetPrecision = 0.95, int minimumAccepted = 20, double marginZ = DefaultMarginZ)
    {
        if (truth.Count != predicted.Count || truth.Count != confidence.Count)
            throw new ArgumentException("Thresholds need the true label, prediction and confidence of every image.");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetPrecision, 1.0);
        if (!double.IsFinite(marginZ) || marginZ < 0)
            throw new ArgumentOutOfRangeException(nameof(marginZ), marginZ, "The margin is a finite number of standard errors, 0 or more.");

        var result = new ClassThreshold[classes];
        for (var c = 0; c < classes; c++)
        {
            var ofClass = Enumerable.Range(0, truth.Count).Where(i => predicted[i] == c)
                .Select(i => (Confidence: confidence[i], Right: truth[i] == c))
                .OrderByDescending(x => x.Confidence).ToArray();

            var (threshold, precision, accepted) = (Never, 0.0, 0);
            var right = 0;
            for (var k = 0; k < ofClass.Length; k++)
            {
                if (ofClass[k].Right) right++;
                // Only cut between distinct confidences: equal ones are accepted or refused together.
                if (k + 1 < ofClass.Length && ofClass[k + 1].Confidence == ofClass[k].Confidence) continue;
                var p = (double)right / (k + 1);
                var reached = targetPrecision >= 1 ? p : new Proportion(right, k + 1).WilsonInterval(marginZ).Low;
                if (k + 1 >= minimumAccepted && reached >= targetPrecision)
                    (threshold, precision, accepted) = (ofClass[k].Confidence, p, k + 1);
            }
            result[c] = new ClassThreshold(c, threshold, precision, ofClass.Length == 0 ? 0 : (double)accepted / ofClass.Length, ofClass.Length);
        }
        return result;
    }
}
