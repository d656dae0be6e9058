using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.DependencyInjection;

namespace SelfTrain.Host.Durable;

/// <summary>
/// Runs one execution of an SDK activity class in its own service scope, as the SDK's worker does: the class is
/// created from the scope, wrapped by the SDK's shim (which converts the input and output), and the scope disposed
/// when it ends.
/// </summary>
internal sealed class ScopedActivity(string name, Type type, IServiceProvider services, DurableTaskShimFactory shims) : TaskActivity
{
    public override async Task<string> RunAsync(TaskContext context, string input)
    {
        await using var scope = services.CreateAsyncScope();
        var activity = (ITaskActivity)ActivatorUtilities.CreateInstance(scope.ServiceProvider, type);
        return (await shims.CreateActivity(new TaskName(name), activity).RunAsync(context, input))!;
    }

    // The dispatcher calls RunAsync only; the synchronous form exists for older activity classes.
    public override string Run(TaskContext context, string input) => throw new NotSupportedException($"{nameof(ScopedActivity)} runs asynchronously.");
}
