using SelfTrain.Inference;
using SelfTrain.Storage;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>Loads a stored model version into its own session, for steps that must run a specific version.</summary>
public sealed class ModelLoader(ModelStore models, InferenceOptions options)
{
    public async Task<OnnxClassifier> LoadAsync(string version, CancellationToken cancellationToken = default)
    {
        var (onnx, manifest) = await models.LoadAsync(version, cancellationToken);
        return OnnxClassifier.Load(onnx, manifest, options);
    }
}
