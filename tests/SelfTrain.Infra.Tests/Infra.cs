using System.Collections.Concurrent;

namespace SelfTrain.Infra.Tests;

/// <summary>The templates under infra/, compiled once per test run, and the names they share with the code.</summary>
internal static class Infra
{
    private static readonly ConcurrentDictionary<string, Lazy<string>> Compiled = new();

    /// <summary>The ARM JSON of a Bicep file under infra/ (path relative to infra/); fails the test on any diagnostic.</summary>
    public static string CompiledJson(string relativePath) =>
        Compiled.GetOrAdd(relativePath, path => new Lazy<string>(() =>
        {
            var result = Bicep.Build(Path.Combine(Bicep.InfraDirectory, path));
            if (result.ExitCode != 0 || result.StandardError.Length > 0)
                throw new InvalidOperationException($"bicep build {path} failed ({result.ExitCode}):\n{result.StandardError}");
            return result.StandardOutput;
        })).Value;

    /// <summary>main.bicep with the given parameter values (the others take their defaults).</summary>
    public static ArmTemplate MainTemplate(params (string Name, object? Value)[] parameters) =>
        ArmTemplate.Parse(CompiledJson("main.bicep"), parameters.ToDictionary(p => p.Name, p => p.Value));

    /// <summary>
    /// The names in infra/names.bicep (containers, queues, tables, functions, taskHubName...), which the modules
    /// import: the single source of the names infrastructure and code must agree on.
    /// </summary>
    public static Dictionary<string, object?> Names(string group) =>
        (Dictionary<string, object?>)NamesTemplate.Value.Variable(group)!;

    public static string Name(string group, string key) => (string)Names(group)[key]!;

    public static string Name(string variable) => (string)NamesTemplate.Value.Variable(variable)!;

    private static readonly Lazy<ArmTemplate> NamesTemplate = new(() => ArmTemplate.Parse(CompiledJson("names.bicep")));

    /// <summary>Built-in role definition ids by name, from infra/roles.bicep.</summary>
    public static Dictionary<string, object?> Roles => (Dictionary<string, object?>)RolesTemplate.Value.Variable("roles")!;

    private static readonly Lazy<ArmTemplate> RolesTemplate = new(() => ArmTemplate.Parse(CompiledJson("roles.bicep")));

    /// <summary>The Functions app's application settings in a compiled main template.</summary>
    public static Dictionary<string, object?> FunctionAppSettings(ArmTemplate main) =>
        Assert.Single(main.AllResources("Microsoft.Web/sites/config"), r => r.Name.EndsWith("/appsettings", StringComparison.Ordinal)).Properties;
}
