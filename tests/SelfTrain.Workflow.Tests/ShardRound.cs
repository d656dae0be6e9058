using Microsoft.DurableTask;

namespace SelfTrain.Workflow.Tests;

public sealed record RoundInput(string Container, int Shards, int ApprovalTimeoutSeconds);

public sealed record ShardInput(string Container, int Shard, int Bonus = 0);

public sealed record RoundStatus(string Phase, int Done, int Of);

public sealed record RoundResult(int Built, bool Approved, int Bonus, int Published);

/// <summary>
/// A miniature of the self-training round: fan out one activity per shard, fan in, wait for an external approval
/// (or a durable timer), fan out again, and report each phase through the custom status.
/// </summary>
public sealed class ShardRoundOrchestrator : TaskOrchestrator<RoundInput, RoundResult>
{
    public const string ApprovalEvent = "Approval";

    public override async Task<RoundResult> RunAsync(TaskOrchestrationContext context, RoundInput input)
    {
        var shards = Enumerable.Range(0, input.Shards).ToArray();
        context.SetCustomStatus(new RoundStatus("building", 0, input.Shards));
        var built = await Task.WhenAll(shards.Select(shard =>
            context.CallActivityAsync<int>(nameof(BuildShardActivity), new ShardInput(input.Container, shard))));

        context.SetCustomStatus(new RoundStatus("waiting", built.Length, input.Shards));
        using var cancel = new CancellationTokenSource();
        var approval = context.WaitForExternalEvent<int>(ApprovalEvent, cancel.Token);
        var deadline = context.CreateTimer(context.CurrentUtcDateTime.AddSeconds(input.ApprovalTimeoutSeconds), cancel.Token);
        var first = await Task.WhenAny(approval, deadline);
        cancel.Cancel();
        if (first != approval)
        {
            context.SetCustomStatus(new RoundStatus("expired", built.Length, input.Shards));
            return new RoundResult(built.Sum(), Approved: false, Bonus: 0, Published: 0);
        }

        var bonus = await approval;
        context.SetCustomStatus(new RoundStatus("publishing", 0, input.Shards));
        var published = await Task.WhenAll(shards.Select(shard =>
            context.CallActivityAsync<int>(nameof(PublishShardActivity), new ShardInput(input.Container, shard, bonus))));

        context.SetCustomStatus(new RoundStatus("done", published.Length, input.Shards));
        return new RoundResult(built.Sum(), Approved: true, bonus, published.Sum());
    }

    /// <summary>What a shard's activities return, so results can be checked independently.</summary>
    public static int ShardValue(int shard) => (shard + 1) * 10;
}

public sealed class BuildShardActivity(ExecutionLog log) : TaskActivity<ShardInput, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, ShardInput input)
    {
        await log.RecordAsync(input.Container, context.InstanceId, "build", input.Shard, "started");
        await log.RecordAsync(input.Container, context.InstanceId, "build", input.Shard, "finished");
        return ShardRoundOrchestrator.ShardValue(input.Shard);
    }
}

public sealed class PublishShardActivity(ExecutionLog log, ActivityGate gate) : TaskActivity<ShardInput, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, ShardInput input)
    {
        await log.RecordAsync(input.Container, context.InstanceId, "publish", input.Shard, "started");
        await gate.PassAsync();
        await log.RecordAsync(input.Container, context.InstanceId, "publish", input.Shard, "finished");
        return ShardRoundOrchestrator.ShardValue(input.Shard) + input.Bonus;
    }
}
