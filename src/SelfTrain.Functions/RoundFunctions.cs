using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using SelfTrain.Api;
using SelfTrain.Core.Embeddings;
using SelfTrain.Core.Evaluation;
using SelfTrain.Workflow.Round;
using SelfTrain.Workflow.Round.Steps;

namespace SelfTrain.Functions;

/// <summary>
/// The self-training round on Durable Functions: thin wrappers around the same orchestrators and steps the local
/// host's Durable Task worker runs. Function names are the task names the orchestrators call. The round's HTTP
/// routes are operator routes (admin level); their answers link only to these routes, never to the Durable
/// extension's webhooks, whose URLs carry its system key.
/// </summary>
public sealed class RoundFunctions(RoundsHandler rounds, TrainingResultRouter router, RoundPlanner planner, ThresholdCalibrator calibrator,
    ShardBuilder shards, TrainingSubmitter submitter, CandidateVerifier verifier, CandidateValidator validator, ChampionPromoter promoter,
    RoundReportWriter reportWriter, PartitionRelabeler relabeler, ImageEmbeddingStep embeddings, LabelPropagationStep propagation)
{
    [Function("StartRound")]
    public Task<IResult> Start([HttpTrigger(AuthorizationLevel.Admin, "post", Route = FunctionRoutes.Api + RoundsHandler.Route)] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        rounds.StartAsync(request, client);

    [Function("GetRound")]
    public Task<IResult> Get([HttpTrigger(AuthorizationLevel.Admin, "get", Route = FunctionRoutes.Api + RoundsHandler.InstanceRoute)] HttpRequest request,
        string id, [DurableClient] DurableTaskClient client) =>
        rounds.GetAsync(request, id, client);

    [Function("TerminateRound")]
    public Task<IResult> Terminate([HttpTrigger(AuthorizationLevel.Admin, "post", Route = FunctionRoutes.Api + RoundsHandler.TerminateRoute)] HttpRequest request,
        string id, [DurableClient] DurableTaskClient client) =>
        rounds.TerminateAsync(request, id, client);

    /// <summary>Results of the GPU training job reach their round as the TrainingCompleted event.</summary>
    [Function("TrainingCompleted")]
    public Task TrainingCompleted([QueueTrigger("training-results", Connection = "AzureWebJobsStorage")] string message,
        [DurableClient] DurableTaskClient client, FunctionContext context) =>
        router.RouteAsync(client, message, context.CancellationToken);

    [Function(nameof(SelfTrainingRound))]
    public Task<RoundResult> Round([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new SelfTrainingRound().RunAsync(context, context.GetInput<RoundRequest>() ?? new RoundRequest());

    [Function(nameof(BuildShardGroup))]
    public Task<IReadOnlyList<ShardCounts>> ShardGroup([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new BuildShardGroup().RunAsync(context, context.GetInput<ShardGroupRequest>()!);

    [Function(nameof(EmbedPartitionGroup))]
    public Task<int> EmbedPartitions([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new EmbedPartitionGroup().RunAsync(context, context.GetInput<PartitionGroupEmbedding>()!);

    [Function(nameof(PlanRound))]
    public Task<RoundPlan> Plan([ActivityTrigger] RoundRequest request) => planner.PlanAsync(request.SecondOpinion);

    [Function(nameof(CalibrateThresholds))]
    public Task<IReadOnlyList<ClassThreshold>> Calibrate([ActivityTrigger] CalibrationRequest request) => calibrator.CalibrateAsync(request);

    [Function(nameof(BuildPoolShard))]
    public Task<ShardCounts> PoolShard([ActivityTrigger] ShardRequest request) => shards.BuildPoolShardAsync(request);

    [Function(nameof(BuildGoldShard))]
    public Task<ShardCounts> GoldShard([ActivityTrigger] GoldShardRequest request) => shards.BuildGoldShardAsync(request);

    [Function(nameof(SubmitTraining))]
    public async Task<bool> Submit([ActivityTrigger] TrainingSubmission submission)
    {
        await submitter.SubmitAsync(submission);
        return true;
    }

    [Function(nameof(VerifyCandidate))]
    public Task<CandidateCheckResult> Verify([ActivityTrigger] CandidateCheck request) => verifier.VerifyAsync(request);

    [Function(nameof(ValidateCandidate))]
    public Task<ValidationResult> Validate([ActivityTrigger] ValidationRequest request) => validator.ValidateAsync(request);

    [Function(nameof(PromoteCandidate))]
    public Task<PromotionResult> Promote([ActivityTrigger] PromotionRequest request) => promoter.PromoteAsync(request);

    [Function(nameof(WriteRoundReport))]
    public async Task<bool> Report([ActivityTrigger] RoundReportRequest request)
    {
        await reportWriter.WriteAsync(request);
        return true;
    }

    [Function(nameof(EmbedGold))]
    public Task<EmbeddingViewPlan> EmbedGoldImages([ActivityTrigger] EmbeddingViewPolicy policy) => embeddings.EmbedGoldAsync(policy);

    [Function(nameof(EmbedPartition))]
    public Task<int> EmbedPartitionImages([ActivityTrigger] PartitionEmbeddingRequest request) => embeddings.EmbedPartitionAsync(request);

    [Function(nameof(PropagateLabels))]
    public Task<PropagationResult> Propagate([ActivityTrigger] PropagationRequest request) => propagation.PropagateAsync(request);

    [Function(nameof(RelabelPartition))]
    public Task<int> Relabel([ActivityTrigger] RelabelRequest request) => relabeler.RelabelAsync(request);
}
