using System.Text.Json;

namespace SelfTrain.Client;

/// <summary>Reading the host's JSON answers, whose optional fields may be absent or null.</summary>
public static class JsonElementExtensions
{
    /// <summary>The string property <paramref name="name"/>, or null when the element is no object or the property is absent or no string.</summary>
    public static string? StringOf(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() : null;
}
