using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SelfTrain.Core;

/// <summary>Reads a document that must be well-formed JSON of one type and then pass that type's own validation.</summary>
public static class ValidatedJson
{
    /// <param name="what">What the document is, for messages ("model manifest").</param>
    /// <exception cref="InvalidDataException">Not JSON, empty, or invalid; the message names <paramref name="source"/>.</exception>
    public static T Read<T>(string json, string source, JsonTypeInfo<T> type, string what, Func<T, T> ensureValid) where T : class
    {
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(json, type);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source} is not a valid {what}: {ex.Message}", ex);
        }
        return ensureValid(value ?? throw new InvalidDataException($"{source} is empty."));
    }
}
