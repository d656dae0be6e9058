using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SelfTrain.Core;
using SelfTrain.Core.Evaluation;
using SelfTrain.Inference;
using SelfTrain.Serving;
using SelfTrain.Storage;
using SelfTrain.Workflow;
using SelfTrain.Workflow.Round.Steps;

namespace SelfTrain.Api;

/// <summary>The services both hosts register, so the Functions app and the local host cannot drift apart.</summary>
public static class ServiceRegistration
{
    /// <param name="fallbackStorage">Connection string used when the configuration names no storage (the local host: Azurite).</param>
    public static IServiceCollection AddSelfTrain(this IServiceCollection services, IConfiguration configuration, string? fallbackStorage = null)
    {
        services.AddSingleton(_ => StorageAccount.FromSetting(
            name => configuration[name] ?? (name == StorageAccount.SettingName ? fallbackStorage : null)));
        services.AddValidatedOptions<StorageLayout>(configuration, StorageLayout.Section);
        // The decode budget is the process's, so it is set from the validated settings once.
        services.AddValidatedOptions<ServingOptions>(configuration, ServingOptions.Section,
            validated: serving => DecodeMemoryBudget.Configure(serving.DecodeMemoryBudgetBytes));
        services.AddValidatedOptions<InferenceOptions>(configuration, InferenceOptions.Section);
        // The deployment's gate floor: a floor that cannot gate stops the host at start-up.
        services.AddValidatedOptions<GatePolicy>(configuration, GatePolicy.Section, floor => floor.Problems());
        services.AddValidatedOptions<RoundLimits>(configuration, RoundLimits.Section);
        services.AddValidatedOptions<EmbeddingsEndpointOptions>(configuration, EmbeddingsEndpointOptions.Section);
        services.AddSingleton(TimeProvider.System);
        services.ConfigureHttpJsonOptions(options => SelfTrainJson.Apply(options.SerializerOptions));
        services.AddProblemDetails();

        services.AddSingleton<ModelStore>();
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton<LabelStore>();
        services.AddSingleton<ServedModel>();
        services.AddSingleton<ChampionLoader>();
        services.AddSingleton<ImageLabeler>();
        services.AddSingleton<IncomingSweeper>();
        services.AddSingleton<GoldStore>();
        services.AddSingleton<EmbeddingStore>();
        services.AddSingleton<GoldEvaluator>();
        services.AddRoundSteps();
        services.AddSingleton<BackgroundLoopStatus>();
        services.AddHostedService<ChampionRefresher>();

        services.AddSingleton<HealthHandler>();
        services.AddSingleton<PredictHandler>();
        services.AddSingleton<EmbeddingsHandler>();
        services.AddSingleton<RoundsHandler>();
        services.AddSingleton<ModelsHandler>();
        services.AddSingleton<PromoteHandler>();
        services.AddSingleton<RollbackHandler>();
        // Counts from the moment it is created: each host resolves it at start-up.
        services.AddSingleton<LabelStream>();
        services.AddSingleton<LabelCensusCache>();
        services.AddSingleton<DashboardHandler>();
        return services;
    }
}
