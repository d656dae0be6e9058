using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using SelfTrain.Core.Models;
using SelfTrain.Core.Training;

namespace SelfTrain.Workflow.Round;

/// <summary>
/// Delivers a message from <c>training-results</c> to the round waiting for it, as the <c>TrainingCompleted</c>
/// event. Used by the Functions queue trigger and by the local host's listener. The round itself accepts a result only
/// for the job it submitted, with that job's version and a hash matching the stored candidate; this drops what cannot
/// be one (unreadable, unaddressed, a version name that is not one).
/// </summary>
public sealed partial class TrainingResultRouter(ILogger<TrainingResultRouter> logger)
{
    /// <returns>What became of the message; anything but <see cref="TrainingResultRouting.Delivered"/> is dropped for good.</returns>
    /// <exception cref="InvalidOperationException">The round is not found (yet): leave the message for another try.</exception>
    public async Task<TrainingResultRouting> RouteAsync(DurableTaskClient client, string messageText, CancellationToken cancellationToken = default)
    {
        TrainingResultMessage result;
        try
        {
            result = TrainingMessageJson.Deserialize<TrainingResultMessage>(messageText);
        }
        catch (InvalidDataException ex)
        {
            LogUnreadable(ex); // a retry would not make it readable
            return TrainingResultRouting.Unreadable;
        }
        if (result.CorrelationId is not { } instanceId)
        {
            LogUnaddressed(result.JobId);
            return TrainingResultRouting.Unaddressed;
        }
        if (result.ModelVersion is { } version && !ModelManifest.IsValidVersion(version))
        {
            LogInvalidVersion(result.JobId); // it would become a blob path
            return TrainingResultRouting.InvalidVersion;
        }
        var instance = await client.GetInstanceAsync(instanceId, cancellationToken)
            // Not found yet is not the same as gone: a host that has just restarted may not see it yet. The caller
            // leaves the message for another try (its delivery count bounds how many).
            ?? throw new InvalidOperationException($"Round {instanceId} of training job {result.JobId} was not found.");
        if (instance.IsCompleted)
        {
            LogNoWaiter(result.JobId, instanceId);
            return TrainingResultRouting.RoundFinished;
        }
        await client.RaiseEventAsync(instanceId, SelfTrainingRound.TrainingCompletedEvent, result, cancellationToken);
        LogDelivered(result.JobId, result.Outcome.ToString(), instanceId);
        return TrainingResultRouting.Delivered;
    }

    [LoggerMessage(LogLevel.Error, "Dropped an unreadable training result")]
    private partial void LogUnreadable(Exception error);

    [LoggerMessage(LogLevel.Warning, "Training result of job {JobId} names a version that cannot be one; dropped")]
    private partial void LogInvalidVersion(string jobId);

    [LoggerMessage(LogLevel.Warning, "Training result of job {JobId} names no round; dropped")]
    private partial void LogUnaddressed(string jobId);

    [LoggerMessage(LogLevel.Warning, "Training result of job {JobId}: round {InstanceId} has finished; dropped")]
    private partial void LogNoWaiter(string jobId, string instanceId);

    [LoggerMessage(LogLevel.Information, "Training result of job {JobId} ({Outcome}) delivered to round {InstanceId}")]
    private partial void LogDelivered(string jobId, string outcome, string instanceId);
}
