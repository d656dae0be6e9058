using System.Text.Json;
using System.Text.Json.Serialization;

namespace SelfTrain.Core.Training;

/// <summary>The job's JSON form: camelCase, enums as strings, validated on read.</summary>
public static class TrainingJobJson
{
    public static string Serialize(TrainingJob job) => JsonSerializer.Serialize(job, TrainingJobJsonContext.Default.TrainingJob);

    /// <exception cref="InvalidDataException">Not JSON, not a job, or a job with problems.</exception>
    public static TrainingJob Deserialize(string json, string source)
    {
        TrainingJob? job;
        try
        {
            job = JsonSerializer.Deserialize(json, TrainingJobJsonContext.Default.TrainingJob);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source} is not a valid training job: {ex.Message}", ex);
        }
        return (job ?? throw new InvalidDataException($"{source} is empty.")).EnsureValid();
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, UseStringEnumConverter = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(TrainingJob))]
internal sealed partial class TrainingJobJsonContext : JsonSerializerContext;
