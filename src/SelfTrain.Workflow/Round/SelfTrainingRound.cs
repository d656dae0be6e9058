using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using SelfTrain.Core.Evaluation;
using SelfTrain.Core.Models;
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
        var student = StudentShape.Of(request);
        IReadOnlyList<ClassThreshold> thresholds = [];
        if (request.Recipe == Recipes.NoisyStudent)
        {
            context.SetCustomStatus(new RoundStatus(request.Round, "calibrate", 0, classes,
                plan.SecondOpinion is { } second ? $"teacher {plan.Teacher} with {second}" : $"teacher {plan.Teacher}"));
            thresholds = await context.CallActivityAsync<IReadOnlyList<ClassThreshold>>(nameof(CalibrateThresholds),
                new CalibrationRequest(plan.Teacher, request.TargetPrecision, plan.SecondOpinion), RoundRetry.Activity);
            Phase("calibrate", classes, classes);
        }

        EmbeddingViewPlan? view = null;
        if (request.View is { } policy)
        {
            context.SetCustomStatus(new RoundStatus(request.Round, "embed", 0, 1, "gold images"));
            view = await context.CallActivityAsync<EmbeddingViewPlan>(nameof(EmbedGold), policy, RoundRetry.Activity);
            Phase("embed", 1, 1, $"{view.GoldImages} gold images by {view.Model}");
        }

        var groups = plan.Partitions.Chunk(request.PartitionsPerGroup).ToArray();
        PropagationResult? propagation = null;
        if (view is not null && request.View!.Propagation is { } diffusion)
        {
            // Propagation needs every partition's embeddings at once, labelled by the teacher: a fan-out of its own first.
            var embedded = 0;
            var done = 0;
            context.SetCustomStatus(new RoundStatus(request.Round, "embed", 0, plan.Partitions.Count, "pool partitions"));
            foreach (var wave in groups.Chunk(4))
            {
                var counts = await Task.WhenAll(wave.Select((group, i) => context.CallSubOrchestratorAsync<int>(nameof(EmbedPartitionGroup),
                    new PartitionGroupEmbedding(group, plan.Teacher, view.Model),
                    new SubOrchestrationOptions { InstanceId = $"{roundId}-embed-{done / request.PartitionsPerGroup + i}" })));
                embedded += counts.Sum();
                done += wave.Sum(g => g.Length);
                context.SetCustomStatus(new RoundStatus(request.Round, "embed", done, plan.Partitions.Count, "pool partitions"));
            }
            Phase("embed", plan.Partitions.Count, plan.Partitions.Count, $"{embedded} pool images embedded");

            context.SetCustomStatus(new RoundStatus(request.Round, "propagate", 0, 1, $"over gold and {plan.Partitions.Count} partitions"));
            propagation = await context.CallActivityAsync<PropagationResult>(nameof(PropagateLabels),
                new PropagationRequest(roundId, plan.Teacher, view, diffusion, plan.Partitions, request.TargetPrecision), RoundRetry.Activity);
            Phase("propagate", 1, 1, $"{propagation.Images} images in the graph");
        }

        context.SetCustomStatus(new RoundStatus(request.Round, "shards", 0, plan.Partitions.Count));
        var limits = thresholds.Count == 0 ? null : thresholds.Select(t => t.Threshold).ToArray();
        var propagatedLimits = propagation?.Thresholds.Select(t => t.Threshold).ToArray();
        var gold = context.CallActivityAsync<ShardCounts>(nameof(BuildGoldShard), new GoldShardRequest(roundId, student.InputSize, classes, student.Channels), RoundRetry.Activity);
        var built = new List<ShardCounts>();
        foreach (var wave in groups.Chunk(4))
        {
            var results = await Task.WhenAll(wave.Select((group, i) => context.CallSubOrchestratorAsync<IReadOnlyList<ShardCounts>>(nameof(BuildShardGroup),
                new ShardGroupRequest(roundId, group, plan.Teacher, limits, student.InputSize, classes, student.Channels, plan.SecondOpinion, view, propagatedLimits),
                new SubOrchestrationOptions { InstanceId = $"{context.InstanceId}-r{request.Round}-shards-{built.Count + i}" })));
            built.AddRange(results.SelectMany(r => r));
            context.SetCustomStatus(new RoundStatus(request.Round, "shards", built.Count, plan.Partitions.Count));
        }
        var goldShard = await gold;
        var pool = ShardCounts.Sum(built, classes);
        Phase("shards", built.Count, plan.Partitions.Count,
            $"{pool.Accepted} pool images accepted, {pool.BelowThreshold} below thresholds, {pool.Relabelled} relabelled by the teacher, {goldShard.Accepted} gold");

        var shards = built.Select(s => s.Blob).OfType<string>().Prepend(goldShard.Blob!).ToArray();
        TrainingResultMessage? accepted = null;
        var failures = new List<string>();
        var ignored = new List<string>();
        var attempt = 0;
        while (accepted is null && attempt < request.MaxTrainingAttempts)
        {
            attempt++;
            var job = RoundJob.Build(request, plan.Classes, plan.Teacher, roundId, context.InstanceId, attempt, shards);
            context.SetCustomStatus(new RoundStatus(request.Round, "train", attempt, request.MaxTrainingAttempts, $"job {job.JobId}"));
            await context.CallActivityAsync<bool>(nameof(SubmitTraining), new TrainingSubmission(roundId, context.InstanceId, attempt, job), RoundRetry.Activity);
            var outcome = await WaitForResultAsync(context, job, request.TrainingTimeout, ignored);
            if (outcome is { Outcome: TrainingOutcome.Succeeded }) accepted = outcome;
            else failures.Add($"attempt {attempt}: {outcome?.Error ?? $"no result within {request.TrainingTimeout}"}");
        }
        Phase("train", attempt, request.MaxTrainingAttempts);
        if (accepted is null)
            throw new InvalidOperationException($"Training failed {attempt} times; the champion {plan.Teacher} keeps serving. {string.Join("; ", failures)}");
        var candidate = accepted.ModelVersion!;
        var candidateSha = accepted.ModelSha256!;

        context.SetCustomStatus(new RoundStatus(request.Round, "validate", 0, 2, $"candidate {candidate} against {plan.Teacher}"));
        var validation = await context.CallActivityAsync<ValidationResult>(nameof(ValidateCandidate),
            new ValidationRequest(candidate, plan.Teacher, request.Gate ?? new GatePolicy(), candidateSha), RoundRetry.Activity);
        Phase("validate", 2, 2);

        var promotion = new PromotionResult(false, plan.Teacher, null);
        if (validation.Decision.Promote)
        {
            context.SetCustomStatus(new RoundStatus(request.Round, "promote", 0, 1, candidate));
            promotion = await context.CallActivityAsync<PromotionResult>(nameof(PromoteCandidate), new PromotionRequest(candidate, candidateSha, plan.Teacher,
                $"round {roundId}: accuracy {validation.Decision.AccuracyGain:+0.0000} (McNemar p = {validation.Decision.PValue:G3})",
                Steps.ChampionPromoter.Metrics(validation)), RoundRetry.Activity);
        }
        Phase("promote", 1, 1);

        var result = new RoundResult
        {
            Round = request.Round,
            Teacher = plan.Teacher,
            SecondOpinion = plan.SecondOpinion,
            View = view,
            Propagation = propagation,
            Classes = plan.Classes,
            Finished = context.CurrentUtcDateTime,
            Candidate = candidate,
            Promoted = promotion.Promoted,
            Champion = promotion.Champion,
            Reasons = [.. validation.Decision.Reasons, .. promotion.Reason is { } lost ? [lost] : Array.Empty<string>(), .. RoundAdvice.PoolReasons(pool, thresholds, request)],
            Hints = promotion.Promoted ? [] : RoundAdvice.Hints(student, request, validation, pool),
            Thresholds = thresholds,
            Pool = pool,
            GoldImages = goldShard.Accepted,
            TrainingAttempts = attempt,
            IgnoredTrainingResults = ignored,
            Validation = validation,
            PhaseSeconds = phases,
        };
        await context.CallActivityAsync<bool>(nameof(WriteRoundReport), new RoundReportRequest(roundId, candidate, result), RoundRetry.Activity);

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

    /// <summary>
    /// The job's result, or null when the timeout passes first. Only a result that names this job is taken, and a
    /// success only with this job's version and a SHA-256 that matches the stored candidate; anything else (an earlier
    /// attempt's, a forged or corrupted message) is logged, recorded in <paramref name="ignored"/> and waited past.
    /// </summary>
    private static async Task<TrainingResultMessage?> WaitForResultAsync(TaskOrchestrationContext context, TrainingJob job, TimeSpan timeout,
        List<string> ignored)
    {
        var logger = context.CreateReplaySafeLogger<SelfTrainingRound>();
        using var cancel = new CancellationTokenSource();
        var deadline = context.CreateTimer(context.CurrentUtcDateTime.Add(timeout), cancel.Token);
        while (true)
        {
            var next = context.WaitForExternalEvent<TrainingResultMessage>(TrainingCompletedEvent, cancel.Token);
            if (await Task.WhenAny(next, deadline) == deadline) return null;
            var result = await next;
            var problem = result.JobId != job.JobId ? $"it names job {result.JobId}, not {job.JobId}"
                : result.Outcome != TrainingOutcome.Succeeded ? null
                : result.ModelVersion != job.OutputVersion ? $"it names candidate {result.ModelVersion}, not the job's {job.OutputVersion}"
                : !ModelManifest.IsValidSha256(result.ModelSha256) ? "it carries no valid SHA-256 of the candidate"
                : await context.CallActivityAsync<CandidateCheckResult>(nameof(VerifyCandidate),
                    new CandidateCheck(job.OutputVersion, result.ModelSha256!), RoundRetry.Activity) is { Accepted: false } check ? check.Reason
                : null;
            if (problem is null)
            {
                cancel.Cancel();
                return result;
            }
            ignored.Add($"a {result.Outcome} result for job {result.JobId}: {problem}");
            logger.LogWarning("Round {InstanceId} ignored a training result: {Problem}", context.InstanceId, problem);
        }
    }
}
