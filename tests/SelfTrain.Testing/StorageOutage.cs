using Azure;
using Azure.Core;

namespace SelfTrain.Testing;

/// <summary>
/// A switch in a storage client's pipeline: while <see cref="IsDown"/>, every request fails with 503 before it leaves
/// the process, as during a storage outage or while a role assignment propagates (then with 403).
/// </summary>
public sealed class StorageOutage(int status = 503) : RequestFaultPolicy
{
    private volatile bool _down;

    public bool IsDown => _down;

    public void Begin() => _down = true;

    public void End() => _down = false;

    protected override void ThrowIfFailed(HttpMessage message)
    {
        if (_down) throw new RequestFailedException(status, $"Storage is down (test outage): {message.Request.Method} {message.Request.Uri.Path}");
    }
}
