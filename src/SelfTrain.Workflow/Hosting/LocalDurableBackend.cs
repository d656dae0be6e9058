using System.Net;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SelfTrain.Workflow.Hosting;

/// <summary>
/// The Durable Task backend of a host outside Azure Functions: the Azure Storage provider on the configured account,
/// served over gRPC on a loopback port by the Durable Task sidecar, to which the worker and client connect. It is a
/// hosted service registered before the worker, so it starts first and stops last.
/// </summary>
internal sealed class LocalDurableBackend(LocalDurableTaskOptions options, SidecarChannel channel, ILoggerFactory loggerFactory)
    : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<LocalDurableBackend>();
    private AzureStorageOrchestrationService? _storage;
    private IOrchestrationService? _service;
    private WebApplication? _sidecar;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var settings = options.ToSettings();
            settings.LoggerFactory = loggerFactory;
            _storage = new AzureStorageOrchestrationService(settings);
            // The sidecar never creates the task hub (its queues, tables and lease records) itself.
            await _storage.CreateIfNotExistsAsync().WaitAsync(cancellationToken);

            _service = new LifecycleGuard(new SidecarEventNormalizer(new DuplicateStartFilter(new WorkItemLockRenewal(_storage, loggerFactory.CreateLogger<WorkItemLockRenewal>()))));
            _sidecar = BuildSidecar(_service);
            await _sidecar.StartAsync(cancellationToken);

            var address = new Uri(_sidecar.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            channel.Listening(new IPEndPoint(IPAddress.Loopback, address.Port));
            _logger.LogInformation("Durable Task sidecar for task hub {TaskHub} listens on {Address}", options.TaskHubName, address);
        }
        catch (Exception ex)
        {
            channel.Failed(ex);
            throw;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Stopping the sidecar stops its dispatchers; the worker, stopped before this, no longer takes work.
            if (_sidecar is not null) await _sidecar.StopAsync(cancellationToken);
            // Forced: sessions still waiting for the departed worker are dropped, not drained; their messages reappear
            // after the visibility timeout. Partition leases are released so another host can take over at once.
            if (_service is not null) await _service.StopAsync(isForced: true).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("The Durable Task backend did not stop in time; its leases expire on their own.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_sidecar is not null) await _sidecar.DisposeAsync();
        _storage?.Dispose();
    }

    private WebApplication BuildSidecar(IOrchestrationService service)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            // Port 0: the system picks a free port. gRPC needs HTTP/2, which without TLS must be the only protocol.
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddRouting();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(service);
        builder.Services.AddSingleton((IOrchestrationServiceClient)service);
        // One instance: it holds the stream of work items to the connected worker.
        builder.Services.AddSingleton<TaskHubGrpcServer>();

        var app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        return app;
    }
}
