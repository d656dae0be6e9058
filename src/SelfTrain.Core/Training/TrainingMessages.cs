using System.Text.Json;

namespace SelfTrain.Core.Training;

/// <summary>
/// On <c>training-jobs</c>: a job to run, by reference to its JSON in the <c>runs</c> container.
/// <paramref name="CorrelationId"/> (the waiting orchestration) is copied onto the result, so it reaches its waiter;
/// <paramref name="TraceParent"/> (W3C <c>traceparent</c> of the submitting step) puts the training job in the round's trace.
/// </summary>
public sealed record TrainingJobMessage(string JobId, string JobBlob, string? CorrelationId = null, string? TraceParent = null);

public enum TrainingOutcome { Succeeded, Failed }

/// <summary>
/// On <c>training-results</c>: how a job ended — the candidate's version and the SHA-256 of its <c>model.onnx</c>, or
/// why there is none. A round accepts a success only when it names the job it submitted, that job's version, and a
/// hash that matches the stored bytes.
/// </summary>
public sealed record TrainingResultMessage(string JobId, TrainingOutcome Outcome, string? ModelVersion, string? Error, int Attempt,
    string? CorrelationId = null, string? ModelSha256 = null);

public static class TrainingMessageJson
{
    private static readonly JsonSerializerOptions Options = SelfTrainJson.Options;

    public static string Serialize<T>(T message) => JsonSerializer.Serialize(message, Options);

    /// <exception cref="InvalidDataException">Not a message of that kind.</exception>
    public static T Deserialize<T>(string json) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidDataException($"Empty {typeof(T).Name}.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Not a {typeof(T).Name}: {ex.Message}", ex);
        }
    }
}
