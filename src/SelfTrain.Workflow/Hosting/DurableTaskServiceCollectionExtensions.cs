using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.Extensions.DependencyInjection;

namespace SelfTrain.Workflow.Hosting;

public static class DurableTaskServiceCollectionExtensions
{
    /// <summary>
    /// Runs orchestrations in this process, durably, outside Azure Functions: the Azure Storage provider on
    /// <paramref name="connectionString"/> (Azurite locally) behind an in-process Durable Task sidecar, with the
    /// Durable Task worker (running what <paramref name="register"/> adds) and a <see cref="DurableTaskClient"/>
    /// connected to it. Orchestrations survive a restart of the process.
    /// </summary>
    public static IServiceCollection AddLocalDurableTask(this IServiceCollection services, Action<DurableTaskRegistry> register,
        string connectionString, string taskHubName) =>
        services.AddLocalDurableTask(register, new LocalDurableTaskOptions { ConnectionString = connectionString, TaskHubName = taskHubName });

    /// <inheritdoc cref="AddLocalDurableTask(IServiceCollection, Action{DurableTaskRegistry}, string, string)"/>
    public static IServiceCollection AddLocalDurableTask(this IServiceCollection services, Action<DurableTaskRegistry> register,
        LocalDurableTaskOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<SidecarChannel>();
        // Registered before the worker: hosted services start in order and stop in reverse.
        services.AddHostedService<LocalDurableBackend>();

        services.AddDurableTaskWorker(builder =>
        {
            builder.AddTasks(register);
            builder.UseGrpc();
            builder.Services.AddOptions<GrpcDurableTaskWorkerOptions>(builder.Name)
                .Configure<SidecarChannel>((grpc, sidecar) => grpc.Channel = sidecar.Channel);
        });
        services.AddDurableTaskClient(builder =>
        {
            builder.UseGrpc();
            builder.Services.AddOptions<GrpcDurableTaskClientOptions>(builder.Name)
                .Configure<SidecarChannel>((grpc, sidecar) => grpc.Channel = sidecar.Channel);
            builder.RegisterDirectly();
        });
        return services;
    }
}
