using SelfTrain.Core.Models;
using SelfTrain.Core.Training;

namespace SelfTrain.Workflow.Round;

/// <summary>
/// The training job a round submits, built from its request in one place: the orchestration builds the real one, and
/// <c>POST /api/rounds</c> builds one from the request alone to check every field before anything runs.
/// </summary>
public static class RoundJob
{
    /// <summary>
    /// The thresholds were applied when the shards were built: every pool sample in them is accepted. The candidate's
    /// version names the round's instance and the attempt, so no two jobs ever share one.
    /// </summary>
    public static TrainingJob Build(RoundRequest request, IReadOnlyList<string> classes, string teacher, string roundId, string instanceId,
        int attempt, IReadOnlyList<string> shards)
    {
        var student = StudentShape.Of(request);
        return new()
        {
            JobId = $"{roundId}-a{attempt}",
            Shards = shards,
            Classes = classes,
            Teacher = new TeacherReference(teacher),
            DataSnapshot = roundId,
            Recipe = request.Recipe,
            Architecture = student.Architecture,
            InputSize = student.InputSize,
            Channels = student.Channels,
            Seed = request.Seed,
            OutputVersion = $"student-{instanceId}-r{request.Round}a{attempt}",
            Hyperparameters = new RecipeHyperparameters
            {
                Epochs = request.Epochs,
                BatchSize = request.BatchSize,
                GoldShare = request.GoldShare,
                Temperature = request.Temperature,
            },
        };
    }

    /// <summary>
    /// The request with every student setting it left open taken from the teacher: its channels, its input side (at
    /// most <see cref="StudentDefaults.MaxInputSize"/>, and at most what a named network takes) and the network for
    /// both (<see cref="StudentDefaults"/>).
    /// </summary>
    public static RoundRequest ResolveStudent(RoundRequest request, ModelInput teacher)
    {
        var sized = request with
        {
            Channels = request.Channels ?? teacher.Channels,
            InputSize = request.InputSize ?? Math.Min(StudentDefaults.InputSize(teacher),
                StudentArchitectures.Find(request.Architecture)?.MaxInputSize ?? StudentDefaults.MaxInputSize),
        };
        return sized with { Architecture = StudentShape.Of(sized).Architecture };
    }

    /// <summary>
    /// Every problem with a round request, in words: its own fields against their bounds, and the job it would submit
    /// (architecture and input size, epochs, batch size, gold share...), built with stand-ins for what only the round
    /// knows (classes, shards, the teacher). Empty when the round can run.
    /// </summary>
    public static IReadOnlyList<string> Problems(RoundRequest request, TimeSpan maxTrainingTimeout)
    {
        var problems = new List<string>();
        if (!Recipes.All.Contains(request.Recipe)) problems.Add($"recipe '{request.Recipe}' is unknown (known: {string.Join(", ", Recipes.All)})");
        if (request.TargetPrecision is not (> 0 and <= 1)) problems.Add($"targetPrecision {request.TargetPrecision} must be in (0, 1]");
        if (request.TrainingTimeout <= TimeSpan.Zero || request.TrainingTimeout > maxTrainingTimeout)
            problems.Add($"trainingTimeout {request.TrainingTimeout} must be positive and at most {maxTrainingTimeout}, the trainer's longest run");
        if (request.MaxTrainingAttempts is < 1 or > 5) problems.Add($"maxTrainingAttempts {request.MaxTrainingAttempts} must be between 1 and 5");
        if (request.PartitionsPerGroup is < 1 or > 1024) problems.Add($"partitionsPerGroup {request.PartitionsPerGroup} must be between 1 and 1024");
        if (request.MaxRounds is < 1 or > 10) problems.Add($"maxRounds {request.MaxRounds} must be between 1 and 10");
        if (request.Round != 1) problems.Add("round is set by the orchestration");
        if (request.Gate is null) problems.Add("gate is missing");
        else problems.AddRange(request.Gate.Problems());
        if (request.View is { } view)
        {
            problems.AddRange(view.Problems());
            // Propagation seeds the graph with the teacher's own probabilities and replaces its thresholds.
            if (view.Propagation is not null && request.SecondOpinion) problems.Add("view.propagation cannot be combined with secondOpinion");
            if (view.Propagation is not null && request.Recipe != Recipes.NoisyStudent)
                problems.Add($"view.propagation needs the '{Recipes.NoisyStudent}' recipe, whose thresholds it calibrates");
        }

        var job = Build(request, ["class-0", "class-1"], "teacher", "round", "instance", 1, ["shard"]);
        problems.AddRange(job.Problems().Where(p => !p.StartsWith("recipe ", StringComparison.Ordinal)));
        return problems;
    }
}
