using Microsoft.Extensions.DependencyInjection;
using SelfTrain.Workflow.Round;
using SelfTrain.Workflow.Round.Steps;

namespace SelfTrain.Workflow;

public static class WorkflowRegistration
{
    /// <summary>The round's steps, which both hosts' activity wrappers call.</summary>
    public static IServiceCollection AddRoundSteps(this IServiceCollection services)
    {
        services.AddSingleton<ModelLoader>();
        services.AddSingleton<RoundPlanner>();
        services.AddSingleton<ThresholdCalibrator>();
        services.AddSingleton<ShardBuilder>();
        services.AddSingleton<ImageEmbeddingStep>();
        services.AddSingleton<PropagatedScoreStore>();
        services.AddSingleton<LabelPropagationStep>();
        services.AddSingleton<TrainingSubmitter>();
        services.AddSingleton<CandidateVerifier>();
        services.AddSingleton<CandidateValidator>();
        services.AddSingleton<ChampionPromoter>();
        services.AddSingleton<RoundReportWriter>();
        services.AddSingleton<PartitionRelabeler>();
        services.AddSingleton<TrainingResultRouter>();
        return services;
    }
}
