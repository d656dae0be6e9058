using System.Text.Json;
using System.Text.Json.Serialization;

namespace SelfTrain.Core.Models;

/// <summary>The manifest's JSON form: camelCase, enums as strings, validated on read.</summary>
public static class ModelManifestJson
{
    public static string Serialize(ModelManifest manifest) => JsonSerializer.Serialize(manifest, ManifestJsonContext.Default.ModelManifest);

    /// <exception cref="InvalidDataException">Not JSON, not a manifest, or a manifest with problems.</exception>
    public static ModelManifest Deserialize(string json, string source) =>
        ValidatedJson.Read(json, source, ManifestJsonContext.Default.ModelManifest, "model manifest", manifest => manifest.EnsureValid());
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, UseStringEnumConverter = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ModelManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
