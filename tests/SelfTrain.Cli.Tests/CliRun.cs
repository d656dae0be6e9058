using SelfTrain.Cli;
using Spectre.Console;

namespace SelfTrain.Cli.Tests;

/// <summary>One invocation of the command-line client, in process, with what it printed.</summary>
public sealed record CliRun(int ExitCode, string Output)
{
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 1000;
        var code = await SelfTrainCli.RunAsync(args, console);
        return new CliRun(code, output.ToString());
    }

    public override string ToString() => $"exit code {ExitCode}:\n{Output}";
}
