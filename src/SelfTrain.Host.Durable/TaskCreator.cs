using DurableTask.Core;

namespace SelfTrain.Host.Durable;

/// <summary>
/// Registers one orchestration or activity with DurableTask.Core under its SDK name (unversioned, as the SDK schedules
/// it); the framework calls <see cref="Create"/> for every turn or execution.
/// </summary>
internal sealed class TaskCreator<T> : ObjectCreator<T>
{
    private readonly Func<T> _create;

    public TaskCreator(string name, Func<T> create)
    {
        Name = name;
        Version = string.Empty;
        _create = create;
    }

    public override T Create() => _create();
}
