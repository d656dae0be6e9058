using SelfTrain.Inference;
using SelfTrain.Storage;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>
/// Loads a stored model version into its own session, for steps that must run a specific version; the store checks
/// its bytes against its manifest first.
/// </summary>
public sealed class ModelLoader(ModelStore models, InferenceOptions options)
{
    /// <summary>A version of <c>models/</c> (a teacher, a champion).</summary>
    public async Task<OnnxClassifier> LoadAsync(string version, CancellationToken cancellationToken = default)
    {
        var (onnx, manifest) = await models.LoadAsync(version, cancellationToken);
        return OnnxClassifier.Load(onnx, manifest, options);
    }

    /// <summary>A trainer's candidate in <c>candidates/</c>.</summary>
    public async Task<OnnxClassifier> LoadCandidateAsync(string version, CancellationToken cancellationToken = default)
    {
        var (onnx, manifest) = await models.LoadCandidateAsync(version, cancellationToken);
        return OnnxClassifier.Load(onnx, manifest, options);
    }
}
