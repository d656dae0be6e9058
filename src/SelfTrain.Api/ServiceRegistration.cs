using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SelfTrain.Storage;

namespace SelfTrain.Api;

/// <summary>The services both hosts register, so the Functions app and the local host cannot drift apart.</summary>
public static class ServiceRegistration
{
    /// <param name="fallbackStorage">Connection string used when the configuration names no storage (the local host: Azurite).</param>
    public static IServiceCollection AddSelfTrain(this IServiceCollection services, IConfiguration configuration, string? fallbackStorage = null)
    {
        services.AddSingleton(_ => StorageAccount.FromSetting(
            name => configuration[name] ?? (name == StorageAccount.SettingName ? fallbackStorage : null)));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<HealthHandler>();
        return services;
    }
}
