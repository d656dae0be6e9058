using Microsoft.DurableTask;
using SelfTrain.Core.Evaluation;
using SelfTrain.Core.Training;

namespace SelfTrain.Workflow.Round;

/// <summary>
/// One self-training round: plan (the champion teaches) → calibrate per-class thresholds on gold/validation → build
/// one training shard per label partition (in groups) and one of the gold training images → train the student on
/// the GPU job and wait for its result (retried, with a timeout) → validate candidate against champion on
/// gold/validation → gate → promote, or keep the champion and say why. With <see cref="RoundRequest.MaxRounds"/> above
/// one, a promoted student relabels the pool and teaches the next round (Noisy Student's iteration).
/// </summary>
public sealed class SelfTrainingRound : TaskOrchestrator<RoundRequest, RoundResult>
{
    public const string TrainingCompletedEvent = "TrainingCompleted";

    public override async Task<RoundResult> RunAsync(TaskOrchestrationContext context, RoundRequest request)
    {
        var roundId = $"{context.InstanceId}-r{request.Round}";
        var phases = new Dictionary<string, double>();
        var started = context.CurrentUtcDateTime;
        void Phase(string name, int done = 0, int total = 0, string? detail = null)
        {
            var now = context.CurrentUtcDateTime;
            phases[name] = phases.GetValueOrDefault(name) + (now - started).TotalSeconds;
            started = now;
            context.SetCustomStatus(new RoundStatus(request.Round, name, done, total, detail));
        }

        context.SetCustomStatus(new RoundStatus(request.Round, "plan", 0, 0));
        var plan = await context.CallActivityAsync<RoundPlan>(nameof(PlanRound), request, RoundRetry.Activity);
        Phase("plan");

        var classes = plan.Classes.Count;
        IReadOnlyList<ClassThreshold> thresholds = [];
        if (request.Recipe == Recipes.NoisyStudent)
        {
            context.SetCustomStatus(new RoundStatus(request.Round, "calibrate", 0, classes, $"teacher {plan.Teacher}"));
            thresholds = await context.CallActivityAsync<IReadOnlyList<ClassThreshold>>(nameof(CalibrateThresholds),
                new CalibrationRequest(plan.Teacher, request.TargetPrecision), RoundRetry.Activity);
            Phase("calibrate", classes, classes);
        }

        var groups = plan.Partitions.Chunk(request.PartitionsPerGroup).ToArray();
        context.SetCustomStatus(new RoundStatus(request.Round, "shards", 0, plan.Partitions.Count));
        var limits = thresholds.Count == 0 ? null : thresholds.Select(t => t.Threshold).ToArray();
        var gold = context.CallActivityAsync<ShardCounts>(nameof(BuildGoldShard), new GoldShardRequest(roundId, request.InputSize, classes), RoundRetry.Activity);
        var built = new List<ShardCounts>();
        foreach (var wave in groups.Chunk(4))
        {
            var results = await Task.WhenAll(wave.Select((group, i) => context.CallSubOrchestratorAsync<IReadOnlyList<ShardCounts>>(nameof(BuildShardGroup),
                new ShardGroupRequest(roundId, group, plan.Teacher, limits, request.InputSize, classes),
                new SubOrchestrationOptions { InstanceId = $"{context.InstanceId}-r{request.Round}-shards-{built.Count + i}" })));
            built.AddRange(results.SelectMany(r => r));
            context.SetCustomStatus(new RoundStatus(request.Round, "shards", built.Count, plan.Partitions.Count));
        }
        var goldShard = await gold;
        var pool = ShardCounts.Sum(built, classes);
        Phase("shards", built.Count, plan.Partitions.Count, $"{pool.Accepted} pool images accepted, {pool.BelowThreshold} below thresholds, {goldShard.Accepted} gold");

        var shards = built.Select(s => s.Blob).OfType<string>().Prepend(goldShard.Blob!).ToArray();
        string? candidate = null;
        var failures = new List<string>();
        var attempt = 0;
        while (candidate is null && attempt < request.MaxTrainingAttempts)
        {
            attempt++;
            var job = Job(request, plan, roundId, attempt, shards, context.CurrentUtcDateTime);
            context.SetCustomStatus(new RoundStatus(request.Round, "train", attempt, request.MaxTrainingAttempts, $"job {job.JobId}"));
            await context.CallActivityAsync<bool>(nameof(SubmitTraining), new TrainingSubmission(roundId, context.InstanceId, attempt, job), RoundRetry.Activity);
            var outcome = await WaitForResultAsync(context, job.JobId, request.TrainingTimeout);
            if (outcome is { Outcome: TrainingOutcome.Succeeded, ModelVersion: { } version }) candidate = version;
            else failures.Add($"attempt {attempt}: {outcome?.Error ?? $"no result within {request.TrainingTimeout}"}");
        }
        Phase("train", attempt, request.MaxTrainingAttempts);
        if (candidate is null)
            throw new InvalidOperationException($"Training failed {attempt} times; the champion {plan.Teacher} keeps serving. {string.Join("; ", failures)}");

        context.SetCustomStatus(new RoundStatus(request.Round, "validate", 0, 2, $"candidate {candidate} against {plan.Teacher}"));
        var validation = await context.CallActivityAsync<ValidationResult>(nameof(ValidateCandidate),
            new ValidationRequest(candidate, plan.Teacher, request.Gate), RoundRetry.Activity);
        Phase("validate", 2, 2);

        var promotion = new PromotionResult(false, plan.Teacher, null);
        if (validation.Decision.Promote)
        {
            context.SetCustomStatus(new RoundStatus(request.Round, "promote", 0, 1, candidate));
            promotion = await context.CallActivityAsync<PromotionResult>(nameof(PromoteCandidate), new PromotionRequest(candidate, plan.Teacher,
                $"round {roundId}: accuracy {validation.Decision.AccuracyGain:+0.0000} (McNemar p = {validation.Decision.PValue:0.####})",
                Steps.ChampionPromoter.Metrics(validation)), RoundRetry.Activity);
        }
        Phase("promote", 1, 1);

        var result = new RoundResult
        {
            Round = request.Round,
            Teacher = plan.Teacher,
            Candidate = candidate,
            Promoted = promotion.Promoted,
            Champion = promotion.Champion,
            Reasons = promotion.Reason is { } lost ? [.. validation.Decision.Reasons, lost] : validation.Decision.Reasons,
            Thresholds = thresholds,
            Pool = pool,
            GoldImages = goldShard.Accepted,
            TrainingAttempts = attempt,
            Validation = validation,
            PhaseSeconds = phases,
        };
        await context.CallActivityAsync<bool>(nameof(WriteRoundReport), new RoundReportRequest(candidate, result), RoundRetry.Activity);

        if (result.Promoted && request.Round < request.MaxRounds)
        {
            context.SetCustomStatus(new RoundStatus(request.Round, "relabel", 0, plan.Partitions.Count, $"with {candidate}"));
            await Task.WhenAll(plan.Partitions.Select(p => context.CallActivityAsync<int>(nameof(RelabelPartition), new RelabelRequest(p, candidate), RoundRetry.Activity)));
            context.ContinueAsNew(request with { Round = request.Round + 1, Seed = request.Seed + 1 });
            return result;
        }
        context.SetCustomStatus(new RoundStatus(request.Round, "done", 1, 1, result.Promoted ? $"promoted {candidate}" : "champion kept"));
        return result;
    }

    /// <summary>The job's result, or null when the timeout passes first. Results of earlier attempts are ignored.</summary>
    private static async Task<TrainingResultMessage?> WaitForResultAsync(TaskOrchestrationContext context, string jobId, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource();
        var deadline = context.CreateTimer(context.CurrentUtcDateTime.Add(timeout), cancel.Token);
        while (true)
        {
            var result = context.WaitForExternalEvent<TrainingResultMessage>(TrainingCompletedEvent, cancel.Token);
            if (await Task.WhenAny(result, deadline) == deadline) return null;
            if ((await result).JobId == jobId)
            {
                cancel.Cancel();
                return await result;
            }
        }
    }

    /// <summary>The thresholds were applied when the shards were built: every pool sample in them is accepted.</summary>
    private static TrainingJob Job(RoundRequest request, RoundPlan plan, string roundId, int attempt, IReadOnlyList<string> shards, DateTime now) => new()
    {
        JobId = $"{roundId}-a{attempt}",
        Shards = shards,
        Classes = plan.Classes,
        Teacher = new TeacherReference(plan.Teacher),
        DataSnapshot = roundId,
        Recipe = request.Recipe,
        Architecture = request.Architecture,
        InputSize = request.InputSize,
        Seed = request.Seed,
        OutputVersion = $"student-{now:yyyyMMddHHmmss}-r{request.Round}a{attempt}",
        Hyperparameters = new RecipeHyperparameters
        {
            Epochs = request.Epochs,
            BatchSize = request.BatchSize,
            GoldShare = request.GoldShare,
            Temperature = request.Temperature,
        },
    };
}
