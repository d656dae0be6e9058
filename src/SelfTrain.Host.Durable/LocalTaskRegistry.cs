using Microsoft.DurableTask;

namespace SelfTrain.Host.Durable;

/// <summary>
/// The orchestrator and activity classes the local engine runs, each under its class name, the name the SDK's
/// registry and the Functions app's wrappers give them, so orchestrators call them the same way on both hosts.
/// </summary>
public sealed class LocalTaskRegistry
{
    private readonly Dictionary<string, Type> _orchestrators = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Type> _activities = new(StringComparer.Ordinal);

    internal IReadOnlyDictionary<string, Type> Orchestrators => _orchestrators;

    internal IReadOnlyDictionary<string, Type> Activities => _activities;

    public LocalTaskRegistry AddOrchestrator<T>() where T : class, ITaskOrchestrator
    {
        _orchestrators.Add(typeof(T).Name, typeof(T));
        return this;
    }

    public LocalTaskRegistry AddActivity<T>() where T : class, ITaskActivity
    {
        _activities.Add(typeof(T).Name, typeof(T));
        return this;
    }
}
