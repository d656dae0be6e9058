using System.Diagnostics;
using SelfTrain.Core.Telemetry;
using SelfTrain.Core.Training;
using SelfTrain.Testing;
using SelfTrain.Workflow.Round;
using SelfTrain.Workflow.Round.Steps;

namespace SelfTrain.Workflow.Tests;

/// <summary>The training job carries the round's trace to the trainer.</summary>
public sealed class TrainingSubmitterTests
{
    [Fact]
    public async Task The_job_message_carries_the_submitting_span_as_its_traceparent()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var submitted = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SelfTrainTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { if (activity.DisplayName == "selftrain.round.submit") lock (submitted) submitted.Add(activity); },
        };
        ActivitySource.AddActivityListener(listener);
        var request = new RoundRequest { Architecture = "small-cnn", InputSize = 28, Channels = 1, Gate = new Core.Evaluation.GatePolicy() };
        var job = RoundJob.Build(request, ["a", "b"], "teacher", "round-1", "instance", 1, ["gold.shard"]);

        await new TrainingSubmitter(scope.Account, scope.Layout).SubmitAsync(new TrainingSubmission("round-1", "instance", 1, job));

        var message = (await scope.Account.Queues.GetQueueClient(scope.Layout.TrainingJobs).ReceiveMessageAsync()).Value;
        var sent = TrainingMessageJson.Deserialize<TrainingJobMessage>(message.MessageText);
        var span = Assert.Single(submitted, s => (string?)s.GetTagItem("selftrain.round") == "round-1");
        Assert.Equal(span.Id, sent.TraceParent);
        Assert.True(ActivityContext.TryParse(sent.TraceParent, null, out var parent));
        Assert.Equal(span.TraceId, parent.TraceId);
    }
}
