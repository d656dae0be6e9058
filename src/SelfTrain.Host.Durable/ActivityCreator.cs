using DurableTask.Core;
using Microsoft.DurableTask.Worker.Shims;

namespace SelfTrain.Host.Durable;

/// <summary>Makes the Durable Task Framework's activity for one SDK activity class.</summary>
internal sealed class ActivityCreator : ObjectCreator<TaskActivity>
{
    private readonly Type _type;
    private readonly IServiceProvider _services;
    private readonly DurableTaskShimFactory _shims;

    public ActivityCreator(string name, Type type, IServiceProvider services, DurableTaskShimFactory shims)
    {
        Name = name;
        Version = string.Empty;
        _type = type;
        _services = services;
        _shims = shims;
    }

    public override TaskActivity Create() => new ScopedActivity(Name, _type, _services, _shims);
}
