using SelfTrain.Core.Models;
using SelfTrain.Storage;

namespace SelfTrain.Demo.Scenario;

/// <summary>
/// Model A: the trainer transfer-learns it on the gold/train images (the first N of Fashion-MNIST's training split),
/// it is stored in the model store and made champion through the registry's HTTP API, as an operator would.
/// </summary>
public sealed class TeacherSetup(TrainerCli trainer, ModelStore models, SelfTrainClient api)
{
    public const int InputSize = 64;

    public async Task<string> RegisterAsync(int gold, string workDirectory, int threads, CancellationToken cancellationToken)
    {
        var output = Path.Combine(workDirectory, "teacher");
        await trainer.RunAsync("teacher", ["teacher", "--gold", $"{gold}", "--sizes", $"{InputSize}", "--test", "500",
            "--out", output, "--threads", $"{threads}"], cancellationToken);
        var (onnx, manifest) = await LocalModel.ReadAsync(Directory.GetDirectories(output).Single(), cancellationToken);
        await models.SaveAsync(onnx, manifest, cancellationToken);
        await api.PromoteAsync(manifest.Version, $"model A: transfer-learned on {gold} gold images", cancellationToken);
        await api.WaitForChampionAsync(manifest.Version, TimeSpan.FromSeconds(60), cancellationToken);
        return manifest.Version;
    }
}

/// <summary>A model folder as the trainer writes it: model.onnx and manifest.json.</summary>
public static class LocalModel
{
    public static async Task<(byte[] Onnx, ModelManifest Manifest)> ReadAsync(string directory, CancellationToken cancellationToken)
    {
        var manifestPath = Path.Combine(directory, "manifest.json");
        var manifest = ModelManifestJson.Deserialize(await File.ReadAllTextAsync(manifestPath, cancellationToken), manifestPath);
        return (await File.ReadAllBytesAsync(Path.Combine(directory, "model.onnx"), cancellationToken), manifest);
    }
}
