using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SelfTrain.Core;
using SelfTrain.Core.Evaluation;
using SelfTrain.Inference;
using SelfTrain.Serving;
using SelfTrain.Storage;
using SelfTrain.Workflow;

namespace SelfTrain.Api;

/// <summary>The services both hosts register, so the Functions app and the local host cannot drift apart.</summary>
public static class ServiceRegistration
{
    /// <param name="fallbackStorage">Connection string used when the configuration names no storage (the local host: Azurite).</param>
    public static IServiceCollection AddSelfTrain(this IServiceCollection services, IConfiguration configuration, string? fallbackStorage = null)
    {
        services.AddSingleton(_ => StorageAccount.FromSetting(
            name => configuration[name] ?? (name == StorageAccount.SettingName ? fallbackStorage : null)));
        services.AddSingleton(configuration.GetSection(StorageLayout.Section).Get<StorageLayout>() ?? new StorageLayout());
        var serving = configuration.GetSection(ServingOptions.Section).Get<ServingOptions>() ?? new ServingOptions();
        DecodeMemoryBudget.Configure(serving.DecodeMemoryBudgetBytes);
        services.AddSingleton(serving);
        services.AddSingleton(configuration.GetSection(InferenceOptions.Section).Get<InferenceOptions>() ?? new InferenceOptions());
        services.AddSingleton(GateFloor(configuration));
        services.AddSingleton(configuration.GetSection(RoundLimits.Section).Get<RoundLimits>() ?? new RoundLimits());
        services.AddSingleton(TimeProvider.System);
        services.ConfigureHttpJsonOptions(options => SelfTrainJson.Apply(options.SerializerOptions));

        services.AddSingleton<ModelStore>();
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton<LabelStore>();
        services.AddSingleton<ServedModel>();
        services.AddSingleton<ChampionLoader>();
        services.AddSingleton<ImageLabeler>();
        services.AddSingleton<IncomingSweeper>();
        services.AddSingleton<GoldStore>();
        services.AddSingleton<GoldEvaluator>();
        services.AddRoundSteps();
        services.AddSingleton<BackgroundLoopStatus>();
        services.AddHostedService<ChampionRefresher>();

        services.AddSingleton<HealthHandler>();
        services.AddSingleton<PredictHandler>();
        services.AddSingleton<RoundsHandler>();
        services.AddSingleton<ModelsHandler>();
        services.AddSingleton<PromoteHandler>();
        services.AddSingleton<RollbackHandler>();
        return services;
    }

    /// <summary>The deployment's gate floor (section "Gate"); a floor that cannot gate stops the host at start-up.</summary>
    private static GatePolicy GateFloor(IConfiguration configuration)
    {
        var floor = configuration.GetSection(GatePolicy.Section).Get<GatePolicy>() ?? new GatePolicy();
        return floor.Problems() is { Count: > 0 } problems
            ? throw new InvalidOperationException($"The gate floor in configuration section '{GatePolicy.Section}' is invalid: {string.Join("; ", problems)}.")
            : floor;
    }
}
