namespace SelfTrain.Workflow.Tests;

/// <summary>
/// Where a gated activity waits: open lets it through; closed holds it until the host is killed, so the activity
/// is in flight, never finishing, when its process dies.
/// </summary>
public sealed class ActivityGate(bool open) : IDisposable
{
    private readonly CancellationTokenSource _killed = new();

    public async Task PassAsync()
    {
        if (open) return;
        await Task.Delay(Timeout.Infinite, _killed.Token);
    }

    public void Dispose() => _killed.Cancel();
}
