using System.Diagnostics;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using SelfTrain.Core.Data;
using SelfTrain.Core.Shards;
using SelfTrain.Core.Telemetry;
using SelfTrain.Core.Training;
using SelfTrain.Storage;
using SelfTrain.Testing;
using SelfTrain.Trainer.Jobs;
using SelfTrain.Trainer.Training;

namespace SelfTrain.Trainer.Tests;

/// <summary>The queue-driven job on Azurite: job manifest and shards in blobs in, a model in models/ and a result message out.</summary>
public sealed class TrainingWorkerTests
{
    private static readonly Lazy<LabelledImages> Train = new(() => FashionMnist.LoadTrain());

    private static TrainingJob Job(string id, params string[] shards) => new()
    {
        JobId = id,
        Shards = shards,
        Classes = FashionMnist.ClassNames,
        Recipe = Recipes.Supervised,
        Architecture = "small-cnn",
        InputSize = 28,
        OutputVersion = $"candidate-{id}",
        Hyperparameters = new RecipeHyperparameters { Epochs = 1, BatchSize = 64 },
    };

    private static async Task WriteShardAsync(BlobContainerClient shards, string name, int count, int classCount = 10)
    {
        await shards.CreateIfNotExistsAsync();
        using var buffer = new MemoryStream();
        var writer = await ShardWriter.CreateAsync(buffer, new ShardHeader(count, 1, 28, 28, classCount, ShardLabelKind.Hard), name);
        for (var i = 0; i < count; i++)
            await writer.WriteAsync(ShardSample.Hard(Train.Value.Image(i).ToArray(), Train.Value.Labels[i] % classCount));
        await writer.CompleteAsync();
        buffer.Position = 0;
        await shards.GetBlobClient(name).UploadAsync(buffer, overwrite: true);
    }

    private static async Task<TrainingResultMessage> RunAsync(StorageTestScope scope, TrainingJob job, string? traceParent = null)
    {
        var layout = scope.Layout;
        var runs = scope.Account.Blobs.GetBlobContainerClient(layout.Runs);
        await runs.CreateIfNotExistsAsync();
        await runs.GetBlobClient($"{job.JobId}/job.json").UploadAsync(BinaryData.FromString(TrainingJobJson.Serialize(job)), overwrite: true);
        var jobs = scope.Account.Queues.GetQueueClient(layout.TrainingJobs);
        await jobs.CreateIfNotExistsAsync();
        await jobs.SendMessageAsync(TrainingMessageJson.Serialize(new TrainingJobMessage(job.JobId, $"{job.JobId}/job.json", TraceParent: traceParent)));

        var worker = new TrainingWorker(scope.Account, layout, new StudentTrainer(new TrainerOptions { Device = "cpu", Threads = 1 }),
            new WorkerOptions(), TimeProvider.System, NullLogger<TrainingWorker>.Instance);
        await worker.RunAsync(once: true, CancellationToken.None);

        Assert.Null((await jobs.ReceiveMessageAsync()).Value); // the job's message is gone
        var results = scope.Account.Queues.GetQueueClient(layout.TrainingResults);
        var message = (await results.ReceiveMessageAsync()).Value;
        return TrainingMessageJson.Deserialize<TrainingResultMessage>(message.Body.ToString());
    }

    /// <summary>What the worker wrote to <c>candidates/</c> and <c>models/</c> (which it never may).</summary>
    private static async Task<string[]> ModelBlobsAsync(StorageTestScope scope)
    {
        var names = new List<string>();
        foreach (var name in new[] { scope.Layout.Candidates, scope.Layout.Models })
        {
            var container = scope.Account.Blobs.GetBlobContainerClient(name);
            if (await container.ExistsAsync()) names.AddRange(await container.GetBlobsAsync().Select(b => $"{name}/{b.Name}").ToArrayAsync());
        }
        return names.ToArray();
    }

    [Fact]
    public async Task A_job_from_the_queue_writes_its_candidate_and_reports_it()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        await WriteShardAsync(scope.Account.Blobs.GetBlobContainerClient(scope.Layout.Shards), "gold/0.shard", 300);

        var result = await RunAsync(scope, Job("ok", "gold/0.shard"));

        Assert.Equal((TrainingOutcome.Succeeded, "candidate-ok", 1), (result.Outcome, result.ModelVersion, result.Attempt));
        var (onnx, manifest) = await new ModelStore(scope.Account, scope.Layout).LoadCandidateAsync("candidate-ok");
        Assert.NotEmpty(onnx);
        Assert.Equal(ModelStore.Sha256Of(onnx), result.ModelSha256);
        Assert.Equal(FashionMnist.ClassNames, manifest.Classes);
        Assert.Equal("supervised", manifest.Lineage!.Recipe);
        Assert.All(await ModelBlobsAsync(scope), blob => Assert.StartsWith($"{scope.Layout.Candidates}/", blob));
    }

    [Fact]
    public async Task A_job_continues_the_trace_its_message_carries()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        await WriteShardAsync(scope.Account.Blobs.GetBlobContainerClient(scope.Layout.Shards), "gold/0.shard", 64);
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SelfTrainTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { if (Equals(activity.GetTagItem("selftrain.job"), "traced")) lock (spans) spans.Add(activity); },
        };
        ActivitySource.AddActivityListener(listener);
        // The span that submitted the job, as the round's submit step sends it.
        var submitted = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var traceParent = $"00-{submitted.TraceId}-{submitted.SpanId}-01";

        var result = await RunAsync(scope, Job("traced", "gold/0.shard"), traceParent);

        Assert.Equal(TrainingOutcome.Succeeded, result.Outcome);
        var span = Assert.Single(spans);
        Assert.Equal(("selftrain.training_job", ActivityKind.Consumer), (span.DisplayName, span.Kind));
        Assert.Equal((submitted.TraceId, submitted.SpanId), (span.TraceId, span.ParentSpanId));
    }

    [Fact]
    public async Task An_invalid_job_is_reported_failed_with_its_reasons_instead_of_crashing_the_worker()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        await WriteShardAsync(scope.Account.Blobs.GetBlobContainerClient(scope.Layout.Shards), "gold/0.shard", 50);
        var job = Job("invalid", "gold/0.shard") with
        {
            Architecture = "small-cnn",
            InputSize = 64,
            Hyperparameters = new RecipeHyperparameters { GoldShare = 1 },
        };

        var result = await RunAsync(scope, job);

        Assert.Equal((TrainingOutcome.Failed, 1), (result.Outcome, result.Attempt));
        Assert.Contains("goldShare 1 must be in [0, 1)", result.Error);
        Assert.Contains("'small-cnn' takes inputs of 8 to 32 px, not 64", result.Error);
        Assert.Empty(await ModelBlobsAsync(scope));
    }

    [Fact]
    public async Task Attack_a_redelivered_job_cannot_replace_the_candidate_it_already_wrote()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        await WriteShardAsync(scope.Account.Blobs.GetBlobContainerClient(scope.Layout.Shards), "gold/0.shard", 100);
        var first = await RunAsync(scope, Job("twice", "gold/0.shard"));

        var again = await RunAsync(scope, Job("twice", "gold/0.shard") with { Seed = 2 });

        Assert.Equal(TrainingOutcome.Succeeded, first.Outcome);
        Assert.Equal(TrainingOutcome.Failed, again.Outcome);
        Assert.Contains("already exists", again.Error);
        Assert.Equal(first.ModelSha256, (await new ModelStore(scope.Account, scope.Layout).LoadCandidateAsync("candidate-twice")).Manifest.Sha256);
    }

    [Fact]
    public async Task A_missing_shard_fails_the_job_and_writes_no_model()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        await WriteShardAsync(scope.Account.Blobs.GetBlobContainerClient(scope.Layout.Shards), "gold/0.shard", 50);

        var result = await RunAsync(scope, Job("missing", "gold/0.shard", "gold/1.shard"));

        Assert.Equal(TrainingOutcome.Failed, result.Outcome);
        Assert.Contains("gold/1.shard", result.Error);
        Assert.Contains("missing", result.Error);
        Assert.Null(result.ModelVersion);
        Assert.Empty(await ModelBlobsAsync(scope));
    }

    [Fact]
    public async Task A_shard_whose_class_count_disagrees_fails_the_job_and_writes_no_model()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        await WriteShardAsync(scope.Account.Blobs.GetBlobContainerClient(scope.Layout.Shards), "gold/0.shard", 50, classCount: 5);

        var result = await RunAsync(scope, Job("classes", "gold/0.shard"));

        Assert.Equal(TrainingOutcome.Failed, result.Outcome);
        Assert.Contains("gold/0.shard", result.Error);
        Assert.Contains("5", result.Error);
        Assert.Empty(await ModelBlobsAsync(scope));
    }

    [Fact]
    public async Task A_job_manifest_that_does_not_exist_is_reported_not_retried()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var jobs = scope.Account.Queues.GetQueueClient(scope.Layout.TrainingJobs);
        await jobs.CreateIfNotExistsAsync();
        await jobs.SendMessageAsync(TrainingMessageJson.Serialize(new TrainingJobMessage("ghost", "ghost/job.json")));
        var worker = new TrainingWorker(scope.Account, scope.Layout, new StudentTrainer(), new WorkerOptions(), TimeProvider.System,
            NullLogger<TrainingWorker>.Instance);

        await worker.RunAsync(once: true, CancellationToken.None);

        var result = TrainingMessageJson.Deserialize<TrainingResultMessage>(
            (await scope.Account.Queues.GetQueueClient(scope.Layout.TrainingResults).ReceiveMessageAsync()).Value.Body.ToString());
        Assert.Equal(("ghost", TrainingOutcome.Failed), (result.JobId, result.Outcome));
        Assert.Contains("does not exist", result.Error);
        Assert.Null((await jobs.ReceiveMessageAsync()).Value);
    }

    [Fact]
    public async Task A_job_whose_workers_keep_dying_is_given_up_after_the_attempt_limit()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var jobs = scope.Account.Queues.GetQueueClient(scope.Layout.TrainingJobs);
        await jobs.CreateIfNotExistsAsync();
        await jobs.SendMessageAsync(TrainingMessageJson.Serialize(new TrainingJobMessage("doomed", "doomed/job.json")));
        // Three workers take the message and die (it becomes visible again at once).
        for (var i = 0; i < 3; i++)
        {
            var taken = (await jobs.ReceiveMessageAsync(TimeSpan.FromSeconds(1))).Value;
            Assert.NotNull(taken);
            await jobs.UpdateMessageAsync(taken.MessageId, taken.PopReceipt, visibilityTimeout: TimeSpan.Zero);
        }
        var worker = new TrainingWorker(scope.Account, scope.Layout, new StudentTrainer(), new WorkerOptions { MaxAttempts = 3 },
            TimeProvider.System, NullLogger<TrainingWorker>.Instance);

        await worker.RunAsync(once: true, CancellationToken.None);

        var result = TrainingMessageJson.Deserialize<TrainingResultMessage>(
            (await scope.Account.Queues.GetQueueClient(scope.Layout.TrainingResults).ReceiveMessageAsync()).Value.Body.ToString());
        Assert.Equal((TrainingOutcome.Failed, 4), (result.Outcome, result.Attempt));
        Assert.Contains("abandoned after 3 attempts", result.Error);
    }
}
