using System.Diagnostics;
using SelfTrain.Client;
using SelfTrain.Core;
using SelfTrain.Core.Data;
using SelfTrain.Core.Training;
using SelfTrain.Core.Evaluation;
using SelfTrain.Core.Labels;
using SelfTrain.Demo.Report;
using SelfTrain.Demo.Scenario;
using SelfTrain.Inference;
using SelfTrain.Serving;
using SelfTrain.Storage;
using SelfTrain.Workflow.Round;
using SelfTrain.Workflow.Round.Steps;
using Spectre.Console;

namespace SelfTrain.Demo;

/// <summary>The last line the demo prints: accuracies on gold/test as fractions, and where the report is.</summary>
public sealed record DemoSummary(double TeacherAccuracy, double StudentAccuracy, double NaiveAccuracy, double OracleAccuracy, bool Promoted,
    double McnemarP, string Report);

/// <summary>
/// The whole loop against a running local host and trainer worker: gold data, model A as champion, production
/// traffic labelled by the serving path, self-training rounds through the HTTP API, a few predictions, then the
/// report with the two reference students.
/// </summary>
public sealed class DemoScenario(DemoOptions options, StorageAccount storage, IAnsiConsole console)
{
    private const int SpeedImages = 1000;
    private const int PredictCalls = 5;

    private readonly StorageLayout _layout = new();
    private readonly ServingOptions _serving = new();
    private readonly List<PhaseTime> _steps = [];

    public async Task<DemoSummary> RunAsync(CancellationToken cancellationToken)
    {
        var runDirectory = Directory.CreateDirectory(options.Output).FullName;
        var work = Directory.CreateDirectory(Path.Combine(runDirectory, "work")).FullName;
        var api = SelfTrainClient.Create(options.Host, operatorKey: null, TimeSpan.FromMinutes(2));
        var trainer = new TrainerCli(options.Trainer, runDirectory);
        var labels = new LabelStore(storage, _layout);
        var gold = new GoldStore(storage, _layout);
        var models = new ModelStore(storage, _layout);

        var splits = FashionMnistSplits.Load(options.Gold, options.Pool);
        console.MarkupLineInterpolated($"[bold]SelfTrain demo[/]: {splits.GoldTrain.Count:N0} gold, {splits.Pool.Count:N0} pool, {splits.Validation.Count:N0} validation and {splits.Test.Count:N0} test images; {options.Rounds} round(s) of {options.Epochs} epochs. Output: {runDirectory}");

        await StepAsync("gold data", async progress =>
            await new GoldSeeder(gold).SeedAsync(splits, progress.AddTask("gold images → gold/train, validation, test"), cancellationToken));

        var teacher = await StepAsync("model A", async progress =>
        {
            var task = progress.AddTask($"transfer-learning model A on {splits.GoldTrain.Count:N0} gold images").IsIndeterminate();
            var version = await new TeacherSetup(trainer, models, api).RegisterAsync(options.Gold, work, options.Threads, cancellationToken);
            task.Description = $"model A ({version}) is the champion";
            return version;
        });

        var pool = new PoolUploader(storage, _layout, labels);
        var poolContents = await StepAsync("production traffic", progress =>
            pool.UploadAndWaitForLabelsAsync(splits.Pool, progress.AddTask("pool images → incoming/"), progress.AddTask("labelled by model A"), cancellationToken));
        var teacherLabels = await pool.ReadLabelsAsync(cancellationToken);

        var (roundId, result) = await StepAsync("self-training", async progress =>
        {
            var task = progress.AddTask("round 1: starting");
            // Fashion-MNIST is gray at 28 px: the student takes the images as they are, not model A's RGB 64 px copies.
            var id = await api.StartRoundAsync(new
            {
                architecture = StudentDefaults.Architecture(FashionMnist.ImageSize, channels: 1), inputSize = FashionMnist.ImageSize, channels = 1,
                epochs = options.Epochs, maxRounds = options.Rounds, targetPrecision = options.TargetPrecision, seed = options.Seed,
                secondOpinion = options.SecondOpinion,
                view = options.View ? new { propagation = options.Propagate ? new { } : null } : null,
            }, cancellationToken);
            var ended = await api.FollowRoundAsync(id, round =>
            {
                if (round.CustomStatus is not { } status) return;
                task.Description = $"round {status.Round}: {status.Phase}{(status.Detail is null ? "" : $" ({status.Detail})")}";
                task.MaxValue = Math.Max(status.Total, 1);
                task.Value = status.Done;
            }, cancellationToken);
            var final = ended.Completed ?? throw new InvalidOperationException($"Round {id} {ended.Status.ToLowerInvariant()}: {string.Join("; ", ended.Reasons)}");
            task.Value = task.MaxValue;
            if (final.Promoted) await api.WaitForChampionAsync(final.Champion, TimeSpan.FromSeconds(60), cancellationToken);
            return (id, final);
        });
        // Each round reported itself to runs/{instance}-r{n}/; the status endpoint shows only the last.
        var rounds = await ReadRoundsAsync(roundId, result.Round, cancellationToken);
        var student = result.Champion != teacher ? result.Champion
            : result.Candidate ?? throw new InvalidOperationException($"The last round produced no candidate: {string.Join("; ", result.Reasons)}");
        var decision = result.Validation?.Decision;
        var verdict = decision is null ? string.Join("; ", result.Reasons)
            : $"{decision.AccuracyGain * 100:+0.00;-0.00} points on gold/validation, McNemar p = {decision.PValue:0.###e+0}{(decision.Reasons.Count > 0 ? "; " + string.Join("; ", decision.Reasons) : "")}";
        console.MarkupLine(student == result.Champion ? $"[green]serving[/] {Markup.Escape(student)}" : "[yellow]no student was promoted[/]");
        console.MarkupLine($"{(result.Promoted ? "[green]last round promoted[/]" : "[yellow]last round kept the champion[/]")} {Markup.Escape($"({result.Candidate}): {verdict}")}");

        var predictions = await StepAsync("predictions", async _ => await PredictAsync(api, splits.Test, cancellationToken));

        var references = await StepAsync("reference students", async progress =>
        {
            progress.AddTask(options.Ablation ? $"training the naive, oracle and {AblationSteps.ToTrain(new()).Count} ablation students"
                : "training the naive and oracle students").IsIndeterminate();
            return await new ReferenceStudents(storage, _layout, trainer)
                .TrainAsync($"{roundId}-r1", splits, poolContents, teacherLabels, teacher, work, options.Threads, options.Ablation, cancellationToken);
        });

        var report = await StepAsync("report", async progress =>
        {
            progress.AddTask("scoring A, B, naive and oracle on gold/test").IsIndeterminate();
            // The last round's thresholds apply to its teacher's labels: model A's, read above, unless rounds relabelled the pool.
            var lastTeacherLabels = result.Teacher == teacher ? teacherLabels : await pool.ReadLabelsAsync(cancellationToken);
            return await BuildReportAsync(splits, teacher, student, references, result, rounds, poolContents, lastTeacherLabels.Values, models, predictions,
                roundId, cancellationToken);
        });
        var markdown = await ReportWriter.WriteAsync(report, runDirectory, cancellationToken);
        Directory.Delete(work, recursive: true); // shards and model A's 64 MB; the report has what they showed
        ShowSummary(report);
        return new DemoSummary(Round(report.Teacher.Accuracy), Round(report.Student.Accuracy), Round(report.Naive.Accuracy),
            Round(report.Oracle.Accuracy), report.Promoted, report.StudentVersusTeacher.PValue,
            Path.GetRelativePath(Environment.CurrentDirectory, markdown));
    }

    private async Task<DemoReport> BuildReportAsync(FashionMnistSplits splits, string teacher, string student, ReferenceStudents.Trained references,
        RoundResult result, IReadOnlyList<RoundResult> rounds, ContentAddress[] poolContents, IEnumerable<LabelRecord> lastTeacherLabels, ModelStore models, IReadOnlyList<PredictCall> predictions, string roundId,
        CancellationToken cancellationToken)
    {
        var inference = new InferenceOptions();
        var loaded = new List<ScoredModel>();
        try
        {
            foreach (var (role, version) in new[] { ("A", teacher), ("B", student) })
            {
                // A student the gate rejected was never copied out of candidates/.
                var (onnx, manifest) = role == "B" && student == result.Candidate && !result.Promoted
                    ? await models.LoadCandidateAsync(version, cancellationToken)
                    : await models.LoadAsync(version, cancellationToken);
                loaded.Add(new ScoredModel(role, onnx, OnnxClassifier.Load(onnx, manifest, inference)));
            }
            foreach (var (role, directory) in new[] { ("naive", references.NaiveDirectory), ("oracle", references.OracleDirectory) }.Concat(references.Ablation))
            {
                var model = await ModelFolder.ReadAsync(directory, cancellationToken);
                loaded.Add(new ScoredModel(role, model.Onnx, OnnxClassifier.Load(model.Onnx, model.Manifest, inference)));
            }
            // The last round's candidate may be B itself, scored above.
            foreach (var round in rounds.Where(r => r.Candidate is not null && r.Candidate != student))
            {
                var (onnx, manifest) = round.Promoted ? await models.LoadAsync(round.Candidate!, cancellationToken)
                    : await models.LoadCandidateAsync(round.Candidate!, cancellationToken);
                loaded.Add(new ScoredModel($"B{round.Round}", onnx, OnnxClassifier.Load(onnx, manifest, inference)));
            }
            var speedImages = Enumerable.Range(0, Math.Min(SpeedImages, splits.Test.Count)).Select(i => GoldSeeder.Png(splits.Test, i)).ToArray();
            var (scores, goldPredictions) = await new ModelScoring(new GoldEvaluator(new GoldStore(storage, _layout), _serving), _serving)
                .ScoreAsync(loaded, speedImages, FashionMnist.ClassNames.Count, cancellationToken);
            var (aOnly, bOnly, p) = McNemar.Compare(goldPredictions[0].Truth, goldPredictions[0].Predicted, goldPredictions[1].Predicted);

            var truth = new Dictionary<ContentAddress, int>();
            for (var i = 0; i < poolContents.Length; i++) truth.TryAdd(poolContents[i], splits.Pool.Labels[i]);

            return new DemoReport
            {
                CreatedAt = DateTimeOffset.UtcNow,
                Settings = new DemoSettings(splits.GoldTrain.Count, splits.Pool.Count, splits.Validation.Count, splits.Test.Count, options.Rounds,
                    options.Epochs, options.Seed, roundId, options.TargetPrecision, options.SecondOpinion, options.View, options.Propagate),
                Classes = FashionMnist.ClassNames,
                Teacher = scores[0],
                Student = scores[1],
                Naive = scores[2],
                Oracle = scores[3],
                Promoted = student == result.Champion,
                Rounds = [.. rounds.Where(r => r.Candidate is not null)
                    .Select(r => new RoundScore(r.Round, r.Teacher, r.Promoted, scores.First(s => s.Version == r.Candidate)))],
                Ablation = references.Ablation.Count == 0 ? [] : AblationRows.Of(scores, rounds),
                GateReasons = result.Reasons,
                StudentVersusTeacher = new PairedTest(aOnly, bOnly, p),
                TargetPrecision = options.TargetPrecision,
                // A committee's pseudo-labels are in its shards, not in the label rows the audit reads.
                PseudoLabels = result.SecondOpinion is null ? PseudoLabelAudit.Of(result.Thresholds, result.Teacher, lastTeacherLabels, truth, FashionMnist.ClassNames) : [],
                PropagatedPseudoLabels = result.Propagation is { } propagation
                    ? PseudoLabelAudit.OfPropagated(propagation.Thresholds, await ReadPropagatedAsync($"{roundId}-r{result.Round}", cancellationToken), truth, FashionMnist.ClassNames)
                    : [],
                Steps = [.. _steps],
                RoundPhases = [.. result.PhaseSeconds.Select(p => new PhaseTime(p.Key, p.Value))],
                PredictCalls = predictions,
            };
        }
        finally
        {
            foreach (var model in loaded) model.Classifier.Dispose();
        }
    }

    /// <summary>Every pool image's propagated class distribution in a round that propagated, by content.</summary>
    private async Task<IReadOnlyList<(ContentAddress Content, float[] Scores)>> ReadPropagatedAsync(string roundId, CancellationToken cancellationToken)
    {
        var store = new PropagatedScoreStore(storage, _layout);
        var all = new List<(ContentAddress, float[])>();
        foreach (var partition in new LabelStore(storage, _layout).Partitions)
            if (await store.ReadAsync(roundId, partition, cancellationToken) is { } scores)
                for (var row = 0; row < scores.Count; row++) all.Add((ContentAddress.Parse(scores.Keys[row]), scores[row].ToArray()));
        return all;
    }

    /// <summary>The results of rounds 1 to <paramref name="last"/> of a round instance, as each wrote them to <c>runs/</c>.</summary>
    private async Task<IReadOnlyList<RoundResult>> ReadRoundsAsync(string instanceId, int last, CancellationToken cancellationToken)
    {
        var runs = storage.Blobs.GetBlobContainerClient(_layout.Runs);
        var rounds = new List<RoundResult>();
        for (var round = 1; round <= last; round++)
        {
            var blob = runs.GetBlobClient(RoundReportWriter.ReportPath($"{instanceId}-r{round}"));
            rounds.Add((await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToObjectFromJson<RoundResult>(SelfTrainJson.Options)
                ?? throw new InvalidDataException($"{blob.Name} holds no round result."));
        }
        return rounds;
    }

    /// <summary>A few gold/test images through <c>POST /api/predict</c>: the answer names the model that gave it.</summary>
    private async Task<IReadOnlyList<PredictCall>> PredictAsync(SelfTrainClient api, LabelledImages test, CancellationToken cancellationToken)
    {
        var calls = new List<PredictCall>();
        var table = new Table().AddColumns("image", "true label", "predicted", "confidence", "model");
        for (var i = 0; i < Math.Min(PredictCalls, test.Count); i++)
        {
            var (label, confidence, model) = await api.PredictAsync(GoldSeeder.Png(test, i), cancellationToken);
            var call = new PredictCall($"gold/test #{i}", FashionMnist.ClassNames[test.Labels[i]], label, confidence, model);
            calls.Add(call);
            table.AddRow(call.Image, call.TrueLabel, call.Label, $"{call.Confidence:P1}", call.Model);
        }
        console.Write(table);
        return calls;
    }

    private async Task<T> StepAsync<T>(string name, Func<StepProgress, Task<T>> body)
    {
        var watch = Stopwatch.StartNew();
        var result = await console.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var progress = new StepProgress(context);
                var value = await body(progress);
                progress.Complete();
                return value;
            });
        _steps.Add(new PhaseTime(name, Math.Round(watch.Elapsed.TotalSeconds, 1)));
        console.MarkupLineInterpolated($"[green]✓[/] {name} ({watch.Elapsed.TotalSeconds:0} s)");
        return result;
    }

    private Task StepAsync(string name, Func<StepProgress, Task> body) => StepAsync(name, async context => { await body(context); return true; });

    private void ShowSummary(DemoReport report)
    {
        var table = new Table().AddColumns("model", "version", "accuracy on gold/test", "95% CI");
        foreach (var score in new[] { report.Teacher, report.Student, report.Naive, report.Oracle })
            table.AddRow(score.Role, score.Version, $"{score.Accuracy:P2}", $"{score.AccuracyLow95:P1} – {score.AccuracyHigh95:P1}");
        console.Write(table);
    }

    private static double Round(double value) => Math.Round(value, 4);

    /// <summary>The bars of one step; all are shown full when the step ends.</summary>
    private sealed class StepProgress(ProgressContext context)
    {
        private readonly List<ProgressTask> _tasks = [];

        public ProgressTask AddTask(string description)
        {
            var task = context.AddTask(description);
            _tasks.Add(task);
            return task;
        }

        public void Complete()
        {
            foreach (var task in _tasks)
            {
                task.IsIndeterminate = false;
                task.Value = task.MaxValue;
            }
        }
    }
}
