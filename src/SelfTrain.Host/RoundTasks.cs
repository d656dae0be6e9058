using SelfTrain.Host.Durable;
using SelfTrain.Workflow.Round;

namespace SelfTrain.Host;

/// <summary>The round's orchestrators and activities, for the local engine (the Functions app has a [Function] wrapper for each).</summary>
internal static class RoundTasks
{
    public static LocalTaskRegistry AddRoundTasks(this LocalTaskRegistry registry) => registry
        .AddOrchestrator<SelfTrainingRound>()
        .AddOrchestrator<BuildShardGroup>()
        .AddOrchestrator<EmbedPartitionGroup>()
        .AddActivity<PlanRound>()
        .AddActivity<CalibrateThresholds>()
        .AddActivity<EmbedGold>()
        .AddActivity<EmbedPartition>()
        .AddActivity<PropagateLabels>()
        .AddActivity<BuildPoolShard>()
        .AddActivity<BuildGoldShard>()
        .AddActivity<SubmitTraining>()
        .AddActivity<VerifyCandidate>()
        .AddActivity<ValidateCandidate>()
        .AddActivity<PromoteCandidate>()
        .AddActivity<WriteRoundReport>()
        .AddActivity<RelabelPartition>();
}
