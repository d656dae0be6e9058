using SelfTrain.Client;
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
        var model = await ModelFolder.ReadAsync(Directory.GetDirectories(output).Single(), cancellationToken);
        await models.SaveAsync(model.Onnx, model.Manifest, cancellationToken);
        await api.PromoteAsync(model.Manifest.Version, $"model A: transfer-learned on {gold} gold images", cancellationToken);
        await api.WaitForChampionAsync(model.Manifest.Version, TimeSpan.FromSeconds(60), cancellationToken);
        return model.Manifest.Version;
    }
}
