using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SelfTrain.Host.Durable;

public static class DurableTaskServiceCollectionExtensions
{
    /// <summary>
    /// Runs orchestrations in this process, durably, outside Azure Functions: the Azure Storage provider on the
    /// options' account (Azurite locally) under DurableTask.Core's worker, running what <paramref name="register"/>
    /// adds, and a <see cref="DurableTaskClient"/> on the same task hub. Orchestrations survive a restart.
    /// </summary>
    public static IServiceCollection AddLocalDurableTask(this IServiceCollection services, Action<LocalTaskRegistry> register,
        LocalDurableTaskOptions options)
    {
        var registry = new LocalTaskRegistry();
        register(registry);
        services.AddSingleton(options);
        services.AddSingleton(registry);
        services.AddSingleton(provider =>
        {
            var settings = options.ToSettings();
            settings.LoggerFactory = provider.GetRequiredService<ILoggerFactory>();
            return new AzureStorageOrchestrationService(settings);
        });
        services.AddHostedService<LocalDurableEngine>();
        services.AddSingleton<DurableTaskClient>(provider =>
            new LocalDurableTaskClient(provider.GetRequiredService<AzureStorageOrchestrationService>(), options.DataConverter));
        return services;
    }
}
