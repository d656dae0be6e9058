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

    [Theory]
    [InlineData("..")]
    [InlineData("a/../gold")]
    [InlineData("a//b")]
    public async Task Attack_an_upload_prefix_cannot_leave_incoming(string prefix)
    {
        var folder = Directory.CreateTempSubdirectory("selftrain-images-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(folder, "a.png"), SelfTrain.Testing.TestImages.Png(8, 8, 1));

            var run = await CliRun.RunAsync("images", "upload", folder, "--prefix", prefix, "--storage", "UseDevelopmentStorage=true");

            Assert.Equal(SelfTrainCli.Failed, run.ExitCode);
            Assert.Contains("cannot prefix blob names", run.Output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
