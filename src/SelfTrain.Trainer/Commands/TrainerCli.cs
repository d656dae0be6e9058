using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace SelfTrain.Trainer.Commands;

/// <summary>
/// The trainer's command line. A bad command line is a usage error (exit code 2) before any work starts; a command
/// that fails on its inputs exits 1 with the reason; anything else is a crash with its stack trace.
/// </summary>
public static class TrainerCli
{
    public const int UsageError = 2;

    public static RootCommand Create(ILoggerFactory logging) =>
        new("SelfTrain's training job: turns shards of labelled images into a candidate ONNX model, and the experiment's tools.")
        {
            TrainCommand.Create(logging),
            WorkCommand.Create(logging),
            BenchTrainingCommand.Create(),
            TeacherCommand.Create(),
            ExperimentPrepareCommand.Create(),
            ExperimentPropagationCommand.Create(),
            EvaluateCommand.Create(),
            DeviceCommand.Create(),
        };

    public static async Task<int> RunAsync(string[] args, ILoggerFactory logging, TextWriter error)
    {
        var parse = Create(logging).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors) await error.WriteLineAsync(problem.Message);
            await error.WriteLineAsync("Run 'SelfTrain.Trainer --help' for usage.");
            return UsageError;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (InputFailure(ex) is { } failure)
        {
            logging.CreateLogger("SelfTrain.Trainer").LogError("{Error}", failure.Message);
            return 1;
        }
    }

    /// <summary>A failure caused by the command's inputs, also when it comes from one worker of a parallel loop.</summary>
    private static Exception? InputFailure(Exception ex) => ex switch
    {
        InvalidDataException or IOException or ArgumentException or NotSupportedException => ex,
        AggregateException { InnerExceptions: [var inner] } => InputFailure(inner),
        _ => null,
    };
}
