using System.Text.Json;
using System.Text.Json.Serialization;

namespace SelfTrain.Core.Training;

/// <summary>The job's JSON form: camelCase, enums as strings, validated on read.</summary>
public static class TrainingJobJson
{
    public static string Serialize(TrainingJob job) => JsonSerializer.Serialize(job, TrainingJobJsonContext.Default.TrainingJob);

    /// <exception cref="InvalidDataException">Not JSON, not a job, or a job with problems.</exception>
    public static TrainingJob Deserialize(string json, string source) =>
        ValidatedJson.Read(json, source, TrainingJobJsonContext.Default.TrainingJob, "training job", job => job.EnsureValid());
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, UseStringEnumConverter = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(TrainingJob))]
internal sealed partial class TrainingJobJsonContext : JsonSerializerContext;
