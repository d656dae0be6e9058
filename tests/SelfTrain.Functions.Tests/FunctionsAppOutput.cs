using System.Reflection;
using System.Text.Json;

namespace SelfTrain.Functions.Tests;

/// <summary>The Functions app's build output folder and the metadata the Functions host reads from it.</summary>
internal static class FunctionsAppOutput
{
    public static string Directory { get; } = typeof(FunctionsAppOutput).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FunctionsOutput").Value!;

    public static string PathOf(string file) => Path.Combine(Directory, file);

    public static JsonElement Function(string name)
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(PathOf("functions.metadata")));
        return metadata.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == name).Clone();
    }

    /// <summary>The function's one trigger binding.</summary>
    public static JsonElement Trigger(string function) =>
        Function(function).GetProperty("bindings").EnumerateArray()
            .Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
}
