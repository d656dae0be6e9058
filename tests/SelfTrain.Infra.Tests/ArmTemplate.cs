using System.Text.Json;

namespace SelfTrain.Infra.Tests;

/// <summary>One resource (one copy of a loop) that a compiled template deploys, with its expressions evaluable.</summary>
internal sealed record DeployedResource(ArmTemplate Template, string Symbol, JsonElement Json, long? Copy)
{
    public string Type => Json.GetProperty("type").GetString()!;

    public bool IsExisting => Json.TryGetProperty("existing", out var existing) && existing.GetBoolean();

    /// <summary>The evaluated name; unresolved parts (e.g. the resource token) read as «expression».</summary>
    public string Name => ArmExpression.Text(Evaluate(Json.GetProperty("name")));

    /// <summary>The evaluated value of a top-level property such as "properties" or "identity".</summary>
    public object? Get(string property) => Json.TryGetProperty(property, out var value) ? Evaluate(value) : null;

    public Dictionary<string, object?> Properties => (Dictionary<string, object?>)Get("properties")!;

    /// <summary>The raw (unevaluated) JSON text of the resource, as deployed.</summary>
    public string RawText => Json.GetRawText();

    private object? Evaluate(JsonElement value) => Template.Resolve(value, Copy);
}

/// <summary>
/// A compiled ARM template with the values of its parameters: resolves variables, parameters (for a module, the
/// values its parent passes) and copy loops, and walks the nested module deployments.
/// </summary>
internal sealed class ArmTemplate
{
    private readonly JsonElement _template;
    private readonly ArmTemplate? _parent;
    private readonly JsonElement? _deployment;
    private readonly long? _deploymentCopy;
    private readonly IReadOnlyDictionary<string, object?> _parameterValues;

    private ArmTemplate(JsonElement template, ArmTemplate? parent, JsonElement? deployment, long? deploymentCopy,
        IReadOnlyDictionary<string, object?> parameterValues)
    {
        _template = template;
        _parent = parent;
        _deployment = deployment;
        _deploymentCopy = deploymentCopy;
        _parameterValues = parameterValues;
    }

    /// <summary>A top-level template; parameters not given take their default values.</summary>
    public static ArmTemplate Parse(string json, IReadOnlyDictionary<string, object?>? parameterValues = null) =>
        new(JsonDocument.Parse(json).RootElement.Clone(), null, null, null, parameterValues ?? new Dictionary<string, object?>());

    /// <summary>The symbolic name of the module deployment this template belongs to; null at the top.</summary>
    public string? ModuleSymbol { get; private init; }

    public JsonElement Json => _template;

    public object? Variable(string name) =>
        _template.TryGetProperty("variables", out var variables) && variables.TryGetProperty(name, out var value)
            ? Resolve(value, null)
            : throw new KeyNotFoundException($"variable '{name}' is not defined");

    public object? Parameter(string name)
    {
        if (_deployment is { } deployment)
        {
            var passed = deployment.GetProperty("properties").GetProperty("parameters");
            if (passed.TryGetProperty(name, out var parameter))
            {
                // Usually { "value": ... }; Bicep may also emit the whole entry as one expression yielding that object.
                return parameter.ValueKind == JsonValueKind.Object
                    ? _parent!.Resolve(parameter.GetProperty("value"), _deploymentCopy)
                    : ((Dictionary<string, object?>)_parent!.Resolve(parameter, _deploymentCopy)!)["value"];
            }
        }
        else if (_parameterValues.TryGetValue(name, out var given)) return given;

        var declared = _template.GetProperty("parameters").GetProperty(name);
        return declared.TryGetProperty("defaultValue", out var defaultValue) ? Resolve(defaultValue, null) : new Unresolved($"parameters('{name}')");
    }

    /// <summary>Every resource this template and the module deployments it makes would deploy, conditions applied.</summary>
    public IEnumerable<DeployedResource> AllResources()
    {
        foreach (var resource in OwnResources())
        {
            yield return resource;
            if (resource.Type == "Microsoft.Resources/deployments" && !resource.IsExisting)
                foreach (var nested in Module(resource).AllResources())
                    yield return nested;
        }
    }

    public IEnumerable<DeployedResource> AllResources(string type) =>
        AllResources().Where(r => !r.IsExisting && string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The single deployed resource of a type; fails when there are none or several.</summary>
    public DeployedResource Single(string type) => Assert.Single(AllResources(type));

    /// <summary>The template of a module deployment made by this template.</summary>
    public ArmTemplate Module(string symbol) => Module(OwnResources().Single(r => r.Symbol == symbol && r.Type == "Microsoft.Resources/deployments"));

    /// <summary>Whether the module deployment (or resource) with this symbolic name is deployed with these parameters.</summary>
    public bool Deploys(string symbol) => OwnResources().Any(r => r.Symbol == symbol);

    private ArmTemplate Module(DeployedResource deployment) =>
        new(deployment.Json.GetProperty("properties").GetProperty("template"), this, deployment.Json, deployment.Copy,
            new Dictionary<string, object?>())
        { ModuleSymbol = deployment.Symbol };

    private IEnumerable<DeployedResource> OwnResources()
    {
        var resources = _template.GetProperty("resources");
        var entries = resources.ValueKind == JsonValueKind.Object
            ? resources.EnumerateObject().Select(p => (Symbol: p.Name, Json: p.Value))
            : resources.EnumerateArray().Select((r, i) => (Symbol: r.TryGetProperty("name", out var n) ? n.GetString() ?? $"#{i}" : $"#{i}", Json: r));
        foreach (var (symbol, json) in entries)
        {
            if (json.TryGetProperty("copy", out var copy))
            {
                var count = Resolve(copy.GetProperty("count"), null);
                if (count is not long n) throw new NotSupportedException($"copy count of {symbol} is not known: {ArmExpression.Text(count)}");
                for (long i = 0; i < n; i++)
                    if (IsDeployed(json, i)) yield return new DeployedResource(this, symbol, json, i);
            }
            else if (IsDeployed(json, null)) yield return new DeployedResource(this, symbol, json, null);
        }
    }

    private bool IsDeployed(JsonElement resource, long? copy) =>
        !resource.TryGetProperty("condition", out var condition) || Resolve(condition, copy) is not false;

    /// <summary>Evaluates a JSON value of this template: expressions in strings, recursively in objects and arrays.</summary>
    public object? Resolve(JsonElement value, long? copyIndex)
    {
        var context = new Context(this, copyIndex);
        return value.ValueKind switch
        {
            JsonValueKind.String => ArmExpression.EvaluateString(value.GetString()!, context),
            JsonValueKind.Number => value.GetInt64(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            JsonValueKind.Array => value.EnumerateArray().Select(v => Resolve(v, copyIndex)).ToList(),
            JsonValueKind.Object when value.TryGetProperty("copy", out _) =>
                throw new NotSupportedException($"property loops are not evaluated: {value.GetRawText()}"),
            JsonValueKind.Object => value.EnumerateObject().ToDictionary(p => p.Name, p => Resolve(p.Value, copyIndex)),
            _ => throw new NotSupportedException(value.ValueKind.ToString()),
        };
    }

    private sealed class Context(ArmTemplate template, long? copyIndex) : ArmExpression.IContext
    {
        public object? Parameter(string name) => template.Parameter(name);
        public object? Variable(string name) => template.Variable(name);
        public long CopyIndex() => copyIndex ?? throw new InvalidOperationException("copyIndex() outside a copy loop");
    }
}
