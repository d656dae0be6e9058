using System.Text.Json;
using Json.Schema;

namespace SelfTrain.Client;

/// <summary>
/// The JSON Schemas of the documents a user writes by hand (<c>docs/schemas/</c>, embedded here): a model's
/// <c>manifest.json</c> and the gold class list <c>classes.json</c>. A document is checked against its schema
/// before the system's own reader sees it, so a misspelt or unknown key is named instead of ignored.
/// </summary>
public sealed class DocumentSchemas
{
    public static DocumentSchemas Manifest { get; } = new("model-manifest.schema.json");
    public static DocumentSchemas Classes { get; } = new("classes.schema.json");

    private readonly JsonSchema _schema;

    private DocumentSchemas(string name)
    {
        using var stream = typeof(DocumentSchemas).Assembly.GetManifestResourceStream($"schemas/{name}")
            ?? throw new InvalidOperationException($"The schema {name} is not embedded in {typeof(DocumentSchemas).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        _schema = JsonSchema.FromText(reader.ReadToEnd());
        Name = name;
    }

    /// <summary>The schema's file name in <c>docs/schemas/</c>.</summary>
    public string Name { get; }

    /// <summary>Every place where <paramref name="json"/> breaks the schema, as "location: message"; empty when it conforms.</summary>
    public IReadOnlyList<string> Problems(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            return [$"not JSON: {ex.Message}"];
        }
        using (document)
        {
            var results = _schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (results.IsValid) return [];
            return (results.Details ?? [])
                .Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{Location(d.InstanceLocation.ToString())}: {e.Value}"))
                .Distinct()
                .DefaultIfEmpty("does not match the schema")
                .ToArray();
        }
    }

    private static string Location(string pointer) => pointer is "" or "#" ? "(document)" : pointer.TrimStart('#');
}
