using DurableTask.Core;

namespace SelfTrain.Workflow.Hosting;

/// <summary>
/// Forwards a stop only after a start, and only once.
/// </summary>
/// <remarks>
/// The sidecar stops the service from an <c>async void</c> handler when its web host stops, and the backend stops it
/// again on shutdown; the Azure Storage provider throws when it is stopped before it was started (a host that stops
/// before any worker connected) or twice. An exception in that handler would end the whole process.
/// </remarks>
internal sealed class LifecycleGuard(IOrchestrationService inner) : OrchestrationServiceDecorator(inner)
{
    private int _started;
    private int _stopped;

    public override Task StartAsync()
    {
        Interlocked.Exchange(ref _started, 1);
        return base.StartAsync();
    }

    public override Task StopAsync(bool isForced) =>
        Volatile.Read(ref _started) == 0 || Interlocked.Exchange(ref _stopped, 1) == 1 ? Task.CompletedTask : base.StopAsync(isForced);

    public override Task StopAsync() => StopAsync(isForced: false);
}
