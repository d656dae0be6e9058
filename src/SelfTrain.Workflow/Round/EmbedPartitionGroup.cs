using Microsoft.DurableTask;

namespace SelfTrain.Workflow.Round;

/// <summary>
/// Before label propagation, one group of partitions made ready in parallel: each relabelled by the teacher where
/// another version labelled it, then embedded. The sum of images embedded now.
/// </summary>
public sealed class EmbedPartitionGroup : TaskOrchestrator<PartitionGroupEmbedding, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, PartitionGroupEmbedding input) =>
        (await Task.WhenAll(input.Partitions.Select(async partition =>
        {
            await context.CallActivityAsync<int>(nameof(RelabelPartition), new RelabelRequest(partition, input.Teacher), RoundRetry.Activity);
            return await context.CallActivityAsync<int>(nameof(EmbedPartition), new PartitionEmbeddingRequest(partition, input.Model), RoundRetry.Activity);
        }))).Sum();
}
