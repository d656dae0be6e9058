using System.Reflection;
using System.Text.Json;

namespace SelfTrain.Testing;

/// <summary>
/// The Functions app's build output folder (same configuration as the tests) and the metadata the Functions host
/// reads from it. Test projects that use it reference the Functions project with ReferenceOutputAssembly=false.
/// </summary>
public static class FunctionsAppOutput
{
    public static string Directory { get; } = typeof(FunctionsAppOutput).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FunctionsOutput").Value!;

    public static string PathOf(string file) => Path.Combine(Directory, file);

    public static JsonElement Function(string name)
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(PathOf("functions.metadata")));
        return metadata.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == name).Clone();
    }

    public static IReadOnlyList<string> FunctionNames()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(PathOf("functions.metadata")));
        return metadata.RootElement.EnumerateArray().Select(f => f.GetProperty("name").GetString()!).ToArray();
    }

    /// <summary>The trigger binding of every function.</summary>
    public static IReadOnlyList<JsonElement> AllTriggers()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(PathOf("functions.metadata")));
        return metadata.RootElement.EnumerateArray().Select(f => Trigger(f.GetProperty("name").GetString()!)).ToArray();
    }

    /// <summary>The function's one trigger binding.</summary>
    public static JsonElement Trigger(string function) =>
        Function(function).GetProperty("bindings").EnumerateArray()
            .Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
}
