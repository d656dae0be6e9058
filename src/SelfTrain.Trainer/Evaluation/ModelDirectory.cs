using SelfTrain.Core.Models;
using SelfTrain.Inference;
using SelfTrain.Trainer.Training;

namespace SelfTrain.Trainer.Evaluation;

/// <summary>A model version on disk: <c>{version}/model.onnx</c> and <c>{version}/manifest.json</c>, as in the models container.</summary>
public static class ModelDirectory
{
    /// <summary>Writes the version's directory whole or not at all; a version is written once.</summary>
    public static async Task WriteAsync(string modelsDirectory, TrainingResult result)
    {
        var final = Path.Combine(modelsDirectory, result.Manifest.Version);
        if (Directory.Exists(final)) throw new IOException($"{final} already exists; a version is written once.");
        var staging = Path.Combine(modelsDirectory, $".{result.Manifest.Version}.{Guid.NewGuid():N}.partial");
        Directory.CreateDirectory(staging);
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(staging, "model.onnx"), result.Onnx);
            await File.WriteAllTextAsync(Path.Combine(staging, "manifest.json"), ModelManifestJson.Serialize(result.Manifest));
            Directory.Move(staging, final);
        }
        catch
        {
            Directory.Delete(staging, recursive: true);
            throw;
        }
    }

    /// <summary>Loads a version's directory into the serving stack's classifier.</summary>
    /// <exception cref="InvalidDataException">The manifest is invalid or disagrees with the graph.</exception>
    public static OnnxClassifier Load(string directory, int threads)
    {
        var manifestPath = Path.Combine(directory, "manifest.json");
        var manifest = ModelManifestJson.Deserialize(File.ReadAllText(manifestPath), manifestPath);
        return OnnxClassifier.Load(File.ReadAllBytes(Path.Combine(directory, "model.onnx")), manifest, new InferenceOptions { IntraOpThreads = threads });
    }
}
