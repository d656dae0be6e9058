using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;

namespace SelfTrain.Workflow.Hosting;

/// <summary>
/// The gRPC channel from the Durable Task worker and client to the in-process sidecar. The channel must exist when
/// the worker and client are built, but the sidecar's port is only known once it listens (the system picks a free
/// one), so connections wait for that port instead of being addressed up front.
/// </summary>
internal sealed class SidecarChannel : IDisposable
{
    private readonly TaskCompletionSource<IPEndPoint> _endpoint = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SidecarChannel()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = ConnectAsync,
            // The worker holds a long-lived stream of work items; keep the connection alive while it is idle.
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            EnableMultipleHttp2Connections = true,
        };
        // The host name is never resolved: ConnectAsync decides where to connect. Plain HTTP means HTTP/2 without TLS.
        Channel = GrpcChannel.ForAddress("http://durabletask-sidecar", new GrpcChannelOptions { HttpHandler = handler });
    }

    public GrpcChannel Channel { get; }

    /// <summary>The sidecar's address once it listens.</summary>
    public Task<IPEndPoint> Endpoint => _endpoint.Task;

    public void Listening(IPEndPoint endpoint) => _endpoint.TrySetResult(endpoint);

    public void Failed(Exception exception) => _endpoint.TrySetException(exception);

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = await _endpoint.Task.WaitAsync(cancellationToken);
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => Channel.Dispose();
}
