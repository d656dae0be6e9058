using Microsoft.DurableTask;
using SelfTrain.Testing;
using SelfTrain.Workflow.Round;

namespace SelfTrain.Functions.Tests;

/// <summary>The Functions app hosts every orchestrator and activity the round calls, under the names it calls them by.</summary>
public sealed class RoundFunctionsTests
{
    private static IEnumerable<(string Name, string Trigger)> RoundTasks() =>
        typeof(SelfTrainingRound).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(SelfTrainingRound).Namespace && !t.IsAbstract && typeof(ITaskOrchestrator).IsAssignableFrom(t))
            .Select(t => (t.Name, "orchestrationTrigger"))
            .Concat(typeof(SelfTrainingRound).Assembly.GetTypes()
                .Where(t => t.Namespace == typeof(SelfTrainingRound).Namespace && !t.IsAbstract && typeof(ITaskActivity).IsAssignableFrom(t))
                .Select(t => (t.Name, "activityTrigger")));

    [Fact]
    public void Every_round_task_is_a_function_with_its_trigger()
    {
        var tasks = RoundTasks().ToArray();
        Assert.True(tasks.Length >= 10, string.Join(", ", tasks));
        foreach (var (name, trigger) in tasks)
            Assert.Equal(trigger, FunctionsAppOutput.Trigger(name).GetProperty("type").GetString());
    }

    [Fact]
    public void Training_results_reach_rounds_through_a_queue_trigger()
    {
        var trigger = FunctionsAppOutput.Trigger("TrainingCompleted");
        Assert.Equal("queueTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("training-results", trigger.GetProperty("queueName").GetString());
        Assert.Equal("AzureWebJobsStorage", trigger.GetProperty("connection").GetString());
    }

    [Theory]
    [InlineData("StartRound", "api/rounds", "post")]
    [InlineData("GetRound", "api/rounds/{id}", "get")]
    public void Round_endpoints_match_the_local_host(string function, string route, string method)
    {
        var trigger = FunctionsAppOutput.Trigger(function);
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
    }
}
