namespace SelfTrain.Cli.Tests;

/// <summary>A command line the client cannot take is a usage error, exit code 2, before anything is sent.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("round", "start", "--epochs", "ten")]
    [InlineData("model", "register")]
    [InlineData("round", "start", "--host", "ftp://example")]
    [InlineData("teleport")]
    public async Task A_bad_command_line_is_a_usage_error(params string[] args)
    {
        var run = await CliRun.RunAsync(args);

        Assert.True(run.ExitCode == SelfTrainCli.UsageError, run.ToString());
        Assert.Contains("Run 'selftrain --help' for usage.", run.Output);
    }
}
