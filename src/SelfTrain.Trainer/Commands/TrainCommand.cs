using System.CommandLine;
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
    public static Command Create(ILoggerFactory logging)
    {
        var jobFile = CommonOptions.RequiredPath("--job", "the training job's JSON");
        var shards = CommonOptions.RequiredPath("--shards", "the folder holding the job's shards");
        var output = CommonOptions.RequiredPath("--out", "the models folder the candidate's version folder is written into");
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("train", "Runs one training job from local files.") { jobFile, shards, output, device, threads };
        command.SetAction(async (parse, _) =>
        {
            var jobPath = parse.GetValue(jobFile)!;
            var job = TrainingJobJson.Deserialize(await File.ReadAllTextAsync(jobPath), jobPath);
            var options = new TrainerOptions { Device = parse.GetValue(device)!, Threads = parse.GetValue(threads) };
            var result = await new StudentTrainer(options, logging.CreateLogger("SelfTrain.Trainer"))
                .TrainAsync(job, JobShards.FromDirectory(parse.GetValue(shards)!));
            await ModelDirectory.WriteAsync(parse.GetValue(output)!, result);
            return 0;
        });
        return command;
    }
}
