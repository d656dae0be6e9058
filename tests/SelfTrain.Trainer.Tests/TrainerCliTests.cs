using Microsoft.Extensions.Logging.Abstractions;
using SelfTrain.Trainer.Commands;

namespace SelfTrain.Trainer.Tests;

public sealed class TrainerCliTests
{
    [Theory]
    [InlineData(new string[0], "Required command")]
    [InlineData(new[] { "train", "--job", "job.json" }, "'--shards' is required")]
    [InlineData(new[] { "work", "--threads", "0" }, "--threads must be at least 1")]
    [InlineData(new[] { "work", "--device", "gpu" }, "'gpu' not recognized")]
    [InlineData(new[] { "teacher", "--sizes", "64,abc" }, "--sizes must be")]
    [InlineData(new[] { "teacher", "--sizes", "64", "128" }, "128")]
    [InlineData(new[] { "experiment-prepare", "--work", "w", "--precision", "1.5" }, "--precision must be in (0, 1]")]
    [InlineData(new[] { "bench-training", "--architecture", "vgg" }, "'vgg' not recognized")]
    [InlineData(new[] { "evaluate", "--model", "m", "--threads", "two" }, "two")]
    public async Task A_bad_command_line_is_a_usage_error_that_names_the_problem_before_any_work(string[] args, string problem)
    {
        using var error = new StringWriter();
        Assert.Equal(TrainerCli.UsageError, await TrainerCli.RunAsync(args, NullLoggerFactory.Instance, error));
        Assert.Contains(problem, error.ToString());
    }

    [Fact]
    public async Task A_command_that_fails_on_its_inputs_exits_1()
    {
        using var error = new StringWriter();
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"));
        Assert.Equal(1, await TrainerCli.RunAsync(["evaluate", "--model", missing, "--threads", "1"], NullLoggerFactory.Instance, error));
        Assert.Empty(error.ToString());
    }
}
