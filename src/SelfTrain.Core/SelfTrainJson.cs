using System.Text.Json;
using System.Text.Json.Serialization;

namespace SelfTrain.Core;

/// <summary>
/// The one JSON convention of every public surface: HTTP bodies, reports, blobs, queue messages, and the
/// orchestrations' input, custom status and output (both hosts' Durable data converters use it). camelCase names,
/// enums by name, and a positional record missing one of its required members is an error, not a silent default.
/// Reads ignore case, so documents written in PascalCase still read. The source-generated contexts of manifests and
/// training jobs declare the same options.
/// </summary>
public static class SelfTrainJson
{
    public static JsonSerializerOptions Options { get; } = Frozen(Apply(new JsonSerializerOptions()));

    /// <summary>The same, indented: documents people open (blobs, reports).</summary>
    public static JsonSerializerOptions Indented { get; } = Frozen(new JsonSerializerOptions(Options) { WriteIndented = true });

    /// <summary>The same, refusing members the type does not have: requests, where a misspelt setting must not pass as a default.</summary>
    public static JsonSerializerOptions Strict { get; } = Frozen(new JsonSerializerOptions(Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    });

    /// <summary>Gives options owned by a framework (ASP.NET Core's HTTP options) this convention.</summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.NumberHandling = JsonNumberHandling.AllowReadingFromString;
        options.RespectRequiredConstructorParameters = true;
        options.IncludeFields = true; // as the Durable SDK's own default converter: tuples and field-only types keep their values
        if (!options.Converters.OfType<JsonStringEnumConverter>().Any()) options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }

    private static JsonSerializerOptions Frozen(JsonSerializerOptions options)
    {
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
