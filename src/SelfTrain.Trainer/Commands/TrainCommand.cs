using Microsoft.Extensions.Logging;
using SelfTrain.Core.Models;
using SelfTrain.Core.Training;
using SelfTrain.Trainer.Training;

namespace SelfTrain.Trainer.Commands;

/// <summary>
/// `train --job job.json --shards DIR --out DIR`: runs one job from local files and writes
/// OUT/{version}/model.onnx and manifest.json. Both are written to a temporary folder that is renamed into place
/// at the end, so a failed job leaves nothing that looks like a model.
/// </summary>
public static class TrainCommand
{
    public static async Task<int> RunAsync(CommandLine cli, ILoggerFactory logging)
    {
        var jobPath = cli.Require("job");
        var job = TrainingJobJson.Deserialize(await File.ReadAllTextAsync(jobPath), jobPath);
        var options = new TrainerOptions { Device = cli.Get("device") ?? "auto", Threads = cli.Int("threads", Environment.ProcessorCount) };
        var result = await new StudentTrainer(options, logging.CreateLogger("SelfTrain.Trainer"))
            .TrainAsync(job, JobShards.FromDirectory(cli.Require("shards")));
        await WriteModelAsync(cli.Require("out"), result);
        return 0;
    }

    public static async Task WriteModelAsync(string modelsDirectory, TrainingResult result)
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
}
