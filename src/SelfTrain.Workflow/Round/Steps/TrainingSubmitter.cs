using SelfTrain.Core.Telemetry;
using SelfTrain.Core.Training;
using SelfTrain.Storage;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>Train: stores the job manifest in <c>runs/</c> and puts a reference to it on <c>training-jobs</c>.</summary>
public sealed class TrainingSubmitter(StorageAccount storage, StorageLayout layout)
{
    public static string JobBlob(string roundId, int attempt) => $"{roundId}/job-{attempt}.json";

    public async Task SubmitAsync(TrainingSubmission submission, CancellationToken cancellationToken = default)
    {
        using var span = SelfTrainTelemetry.StartRoundStep("submit", submission.RoundId, submission.Job.Teacher?.Version);
        var job = submission.Job.EnsureValid();
        var runs = storage.Blobs.GetBlobContainerClient(layout.Runs);
        await runs.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var blob = JobBlob(submission.RoundId, submission.Attempt);
        await runs.GetBlobClient(blob).UploadAsync(BinaryData.FromString(TrainingJobJson.Serialize(job)), overwrite: true, cancellationToken);

        var queue = storage.Queues.GetQueueClient(layout.TrainingJobs);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await queue.SendMessageAsync(TrainingMessageJson.Serialize(new TrainingJobMessage(job.JobId, blob, submission.InstanceId, span?.Id)), cancellationToken);
    }
}
