using Microsoft.DurableTask;
using SelfTrain.Core.Embeddings;
using SelfTrain.Core.Evaluation;
using SelfTrain.Workflow.Round.Steps;

namespace SelfTrain.Workflow.Round;

// The round's activities for the Durable Task worker: each hands its input to a step, which holds the logic and
// which the Functions app's [Function] wrappers call as well. Inputs and outputs are ids and counts, never images.

public sealed class PlanRound(RoundPlanner planner) : TaskActivity<RoundRequest, RoundPlan>
{
    public override Task<RoundPlan> RunAsync(TaskActivityContext context, RoundRequest input) => planner.PlanAsync(input.SecondOpinion);
}

public sealed class CalibrateThresholds(ThresholdCalibrator calibrator) : TaskActivity<CalibrationRequest, IReadOnlyList<ClassThreshold>>
{
    public override Task<IReadOnlyList<ClassThreshold>> RunAsync(TaskActivityContext context, CalibrationRequest input) => calibrator.CalibrateAsync(input);
}

public sealed class EmbedGold(ImageEmbeddingStep step) : TaskActivity<EmbeddingViewPolicy, EmbeddingViewPlan>
{
    public override Task<EmbeddingViewPlan> RunAsync(TaskActivityContext context, EmbeddingViewPolicy input) => step.EmbedGoldAsync(input);
}

public sealed class EmbedPartition(ImageEmbeddingStep step) : TaskActivity<PartitionEmbeddingRequest, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, PartitionEmbeddingRequest input) => step.EmbedPartitionAsync(input);
}

public sealed class PropagateLabels(LabelPropagationStep step) : TaskActivity<PropagationRequest, PropagationResult>
{
    public override Task<PropagationResult> RunAsync(TaskActivityContext context, PropagationRequest input) => step.PropagateAsync(input);
}

public sealed class BuildPoolShard(ShardBuilder builder) : TaskActivity<ShardRequest, ShardCounts>
{
    public override Task<ShardCounts> RunAsync(TaskActivityContext context, ShardRequest input) => builder.BuildPoolShardAsync(input);
}

public sealed class BuildGoldShard(ShardBuilder builder) : TaskActivity<GoldShardRequest, ShardCounts>
{
    public override Task<ShardCounts> RunAsync(TaskActivityContext context, GoldShardRequest input) => builder.BuildGoldShardAsync(input);
}

public sealed class SubmitTraining(TrainingSubmitter submitter) : TaskActivity<TrainingSubmission, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, TrainingSubmission input)
    {
        await submitter.SubmitAsync(input);
        return true;
    }
}

public sealed class VerifyCandidate(CandidateVerifier verifier) : TaskActivity<CandidateCheck, CandidateCheckResult>
{
    public override Task<CandidateCheckResult> RunAsync(TaskActivityContext context, CandidateCheck input) => verifier.VerifyAsync(input);
}

public sealed class ValidateCandidate(CandidateValidator validator) : TaskActivity<ValidationRequest, ValidationResult>
{
    public override Task<ValidationResult> RunAsync(TaskActivityContext context, ValidationRequest input) => validator.ValidateAsync(input);
}

public sealed class PromoteCandidate(ChampionPromoter promoter) : TaskActivity<PromotionRequest, PromotionResult>
{
    public override Task<PromotionResult> RunAsync(TaskActivityContext context, PromotionRequest input) => promoter.PromoteAsync(input);
}

public sealed class WriteRoundReport(RoundReportWriter writer) : TaskActivity<RoundReportRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, RoundReportRequest input)
    {
        await writer.WriteAsync(input);
        return true;
    }
}

public sealed class RelabelPartition(PartitionRelabeler relabeler) : TaskActivity<RelabelRequest, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, RelabelRequest input) => relabeler.RelabelAsync(input);
}
