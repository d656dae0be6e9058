using Microsoft.Extensions.Logging;
using SelfTrain.Trainer;
using SelfTrain.Trainer.Commands;
using TorchSharp;

// The training job's entry point: one command word, then "--name value" options.
var cli = new CommandLine(args.Skip(1).ToArray());
using var logging = LoggerFactory.Create(builder => builder.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss ";
}));

try
{
    return args.FirstOrDefault() switch
    {
        "train" => await TrainCommand.RunAsync(cli, logging),
        "work" => await WorkCommand.RunAsync(cli, logging),
        "bench-training" => BenchTrainingCommand.Run(cli),
        "teacher" => await TeacherCommand.RunAsync(cli),
        "experiment-prepare" => await ExperimentPrepareCommand.RunAsync(cli),
        "evaluate" => EvaluateCommand.Run(cli),
        "device" => Device(cli),
        _ => Usage(),
    };
}
catch (Exception ex) when (ex is InvalidDataException or IOException or ArgumentException or NotSupportedException)
{
    logging.CreateLogger("SelfTrain.Trainer").LogError("{Error}", ex.Message);
    return 1;
}

static int Device(CommandLine cli)
{
    var device = ComputeDevice.Select(cli.Get("device") ?? "auto");
    Console.WriteLine($"SelfTrain.Trainer: libtorch {torch.__version__}, training device {device.type}.");
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: SelfTrain.Trainer <command> [options]
          train --job JOB.json --shards DIR --out DIR [--device auto|cpu|cuda] [--threads N]
          work [--once] [--device auto|cpu|cuda] [--threads N]   (jobs from the training-jobs queue)
          bench-training [--architecture small-cnn|resnet8] [--batches N] [--threads N]
          teacher [--gold N] [--sizes 224,112] [--test N] [--out DIR] [--threads N]
          experiment-prepare --work DIR [--gold 2000] [--teacher-size 64] [--precision 0.9] [--epochs 10] [--seed 1] [--threads N]
          evaluate --model DIR [--threads N]
          device [--device auto|cpu|cuda]
        """);
    return 2;
}
