using Microsoft.Extensions.Logging;
using SelfTrain.Core.Models;
using SelfTrain.Core.Training;
using SelfTrain.Trainer.Evaluation;
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
        await ModelDirectory.WriteAsync(cli.Require("out"), result);
        return 0;
    }
}
