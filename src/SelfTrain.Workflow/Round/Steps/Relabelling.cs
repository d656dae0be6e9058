using SelfTrain.Core.Labels;
using SelfTrain.Inference;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>Label rows labelled again by another model: the shard builder's teacher and the next round's champion.</summary>
public static class Relabelling
{
    /// <summary>
    /// Each row with <paramref name="model"/>'s prediction for its image (one batch), or null where the model refuses
    /// the image; the row keeps its blob names and records which version labelled it.
    /// </summary>
    public static LabelRecord?[] Apply(OnnxClassifier model, IReadOnlyList<LabelRecord> rows, IReadOnlyList<byte[]> images, ImageLimits limits)
    {
        var outcomes = ImageClassifier.Classify(model, images, limits);
        var now = DateTimeOffset.UtcNow;
        return rows.Select((row, i) => outcomes[i].Prediction is { } prediction
            ? row with { ModelVersion = model.Manifest.Version, Prediction = prediction, LabelledAt = now }
            : null).ToArray();
    }
}
