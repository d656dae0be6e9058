using System.Diagnostics;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using SelfTrain.Core.Telemetry;
using SelfTrain.Core.Training;
using SelfTrain.Storage;
using SelfTrain.Trainer.Training;

namespace SelfTrain.Trainer.Jobs;

public sealed record WorkerOptions
{
    /// <summary>How long a taken job stays invisible to other workers; renewed at half this while it runs.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>A job taken this many times without finishing (each worker died) is reported failed, not retried.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>How often an idle worker looks for a job.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Takes jobs from <c>training-jobs</c>, one at a time, and holds each message (renewing its invisibility) until the
/// job ends: a worker that dies leaves the message to reappear for another. A job that ends writes its candidate to
/// <c>candidates/</c> (once, manifest last, so a half-written model is never taken for one) and reports on
/// <c>training-results</c>; a job that cannot succeed (a missing or broken shard, a job that disagrees with its
/// shards) reports why and is not retried.
/// </summary>
public sealed partial class TrainingWorker(StorageAccount storage, StorageLayout layout, StudentTrainer trainer, WorkerOptions options,
    TimeProvider clock, ILogger<TrainingWorker> logger)
{
    private QueueClient Jobs => storage.Queues.GetQueueClient(layout.TrainingJobs);
    private QueueClient Results => storage.Queues.GetQueueClient(layout.TrainingResults);

    /// <summary>Runs jobs until the queue is empty (<paramref name="once"/>: after one job) or until cancelled.</summary>
    public async Task RunAsync(bool once, CancellationToken cancellationToken)
    {
        await EnsureExistsAsync(Jobs, cancellationToken);
        await EnsureExistsAsync(Results, cancellationToken);
        // Said once, so an idle worker is seen to be connected rather than silent until its first job.
        LogWaiting(Jobs.Name, Results.Name);
        while (!cancellationToken.IsCancellationRequested)
        {
            var ran = await RunNextAsync(cancellationToken);
            if (once && ran) return;
            if (!ran)
            {
                if (once) { LogNothingToDo(); return; }
                await Task.Delay(options.PollInterval, clock, cancellationToken);
            }
        }
    }

    /// <returns>False when no job was waiting.</returns>
    public async Task<bool> RunNextAsync(CancellationToken cancellationToken)
    {
        QueueMessage? message = await Jobs.ReceiveMessageAsync(options.Lease, cancellationToken);
        if (message is null) return false;

        var receipt = new Receipt(message.MessageId, message.PopReceipt);
        using var stopRenewing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewal = RenewAsync(receipt, stopRenewing.Token);
        TrainingResultMessage result;
        string jobId = message.MessageId;
        string? correlationId = null;
        try
        {
            var request = TrainingMessageJson.Deserialize<TrainingJobMessage>(message.Body.ToString());
            (jobId, correlationId) = (request.JobId, request.CorrelationId);
            result = message.DequeueCount > options.MaxAttempts
                ? Failed(jobId, message, $"abandoned after {options.MaxAttempts} attempts that each stopped before finishing")
                : await RunJobAsync(request, message, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw; // stopping: the message reappears for the next worker
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever a job gets wrong (an invalid job, a broken shard, a bug it triggers) is that job's failure,
            // reported with its reason: rethrowing would crash the worker and have the job retried to its limit.
            result = Failed(jobId, message, $"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            await stopRenewing.CancelAsync();
            await renewal;
        }

        await Results.SendMessageAsync(TrainingMessageJson.Serialize(result with { CorrelationId = correlationId }), cancellationToken);
        await Jobs.DeleteMessageAsync(receipt.MessageId, receipt.PopReceipt, cancellationToken);
        if (result.Outcome == TrainingOutcome.Succeeded) LogSucceeded(jobId, result.ModelVersion!);
        else LogFailed(jobId, result.Error!);
        return true;
    }

    private async Task<TrainingResultMessage> RunJobAsync(TrainingJobMessage request, QueueMessage message, CancellationToken cancellationToken)
    {
        var runs = storage.Blobs.GetBlobContainerClient(layout.Runs);
        string json;
        try
        {
            json = (await runs.GetBlobClient(request.JobBlob).DownloadContentAsync(cancellationToken)).Value.Content.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return Failed(request.JobId, message, $"job manifest {layout.Runs}/{request.JobBlob} does not exist");
        }
        var job = TrainingJobJson.Deserialize(json, $"{layout.Runs}/{request.JobBlob}");
        // The job continues the round's trace when the message carries one.
        using var span = SelfTrainTelemetry.Source.StartActivity("selftrain.training_job", ActivityKind.Consumer,
            ActivityContext.TryParse(request.TraceParent, null, out var parent) ? parent : default);
        span?.SetTag("selftrain.job", job.JobId);
        span?.SetTag("selftrain.model", job.Teacher?.Version);
        LogStarted(job.JobId, job.Recipe, job.Shards.Count, (int)message.DequeueCount, parent == default ? "none" : parent.TraceId.ToString());

        var shards = storage.Blobs.GetBlobContainerClient(layout.Shards);
        var trained = await trainer.TrainAsync(job, async (name, ct) =>
        {
            try
            {
                return await shards.GetBlobClient(name).OpenReadAsync(cancellationToken: ct);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return null;
            }
        }, cancellationToken);

        // Into candidates/, written once: a redelivered job cannot replace a candidate that was already validated.
        var stored = await new ModelStore(storage, layout).SaveCandidateAsync(trained.Onnx, trained.Manifest, cancellationToken);
        return new TrainingResultMessage(job.JobId, TrainingOutcome.Succeeded, stored.Version, null, (int)message.DequeueCount,
            ModelSha256: stored.Sha256);
    }

    /// <summary>
    /// Locally the worker creates its queues. In Azure the infrastructure has, and the trainer's identity may only send
    /// to <c>training-results</c>, so creating it is refused (403): the queue is there all the same.
    /// </summary>
    private static async Task EnsureExistsAsync(QueueClient queue, CancellationToken cancellationToken)
    {
        try
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 403) { }
    }

    private static TrainingResultMessage Failed(string jobId, QueueMessage message, string error) =>
        new(jobId, TrainingOutcome.Failed, null, error, (int)message.DequeueCount);

    /// <summary>Keeps the job invisible while it runs; each renewal gives a new pop receipt.</summary>
    private async Task RenewAsync(Receipt receipt, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(options.Lease / 2, clock, cancellationToken);
                var updated = await Jobs.UpdateMessageAsync(receipt.MessageId, receipt.PopReceipt, visibilityTimeout: options.Lease,
                    cancellationToken: cancellationToken);
                receipt.PopReceipt = updated.Value.PopReceipt;
            }
        }
        catch (OperationCanceledException) { }
        catch (RequestFailedException ex)
        {
            LogRenewalFailed(ex, receipt.MessageId);
        }
    }

    private sealed class Receipt(string messageId, string popReceipt)
    {
        public string MessageId { get; } = messageId;
        public string PopReceipt { get; set; } = popReceipt;
    }

    [LoggerMessage(LogLevel.Information, "Job {JobId}: started ({Recipe}, {Shards} shards, attempt {Attempt}, trace {TraceId})")]
    private partial void LogStarted(string jobId, string recipe, int shards, int attempt, string traceId);

    [LoggerMessage(LogLevel.Information, "Job {JobId}: candidate {Version} written")]
    private partial void LogSucceeded(string jobId, string version);

    [LoggerMessage(LogLevel.Error, "Job {JobId}: failed: {Error}")]
    private partial void LogFailed(string jobId, string error);

    [LoggerMessage(LogLevel.Information, "Connected: taking training jobs from {Jobs}, sending results to {Results}")]
    private partial void LogWaiting(string jobs, string results);

    [LoggerMessage(LogLevel.Information, "No training job is waiting")]
    private partial void LogNothingToDo();

    [LoggerMessage(LogLevel.Warning, "Could not renew the lease on job message {MessageId}; another worker may take it")]
    private partial void LogRenewalFailed(Exception error, string messageId);
}
