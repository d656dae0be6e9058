using Microsoft.DurableTask;

namespace SelfTrain.Workflow.Round;

/// <summary>
/// One group of partitions, one shard each, built in parallel. The round fans out over groups, so its own history
/// holds one entry per group rather than per partition, however many partitions there are. With an embedding view,
/// each partition is embedded first.
/// </summary>
public sealed class BuildShardGroup : TaskOrchestrator<ShardGroupRequest, IReadOnlyList<ShardCounts>>
{
    public override async Task<IReadOnlyList<ShardCounts>> RunAsync(TaskOrchestrationContext context, ShardGroupRequest input) =>
        await Task.WhenAll(input.Partitions.Select(async partition =>
        {
            // With propagation the round embedded every partition before it propagated.
            if (input.View is { } view && input.PropagatedThresholds is null)
                await context.CallActivityAsync<int>(nameof(EmbedPartition), new PartitionEmbeddingRequest(partition, view.Model), RoundRetry.Activity);
            return await context.CallActivityAsync<ShardCounts>(nameof(BuildPoolShard),
                new ShardRequest(input.RoundId, partition, input.Teacher, input.Thresholds, input.InputSize, input.Classes, input.Channels, input.SecondOpinion,
                    input.View, input.PropagatedThresholds),
                RoundRetry.Activity);
        }));
}

internal static class RoundRetry
{
    /// <summary>Storage hiccups in a step are retried a few times with backoff; a step that keeps failing fails the round.</summary>
    public static readonly TaskOptions Activity = TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromSeconds(5), backoffCoefficient: 2));
}
