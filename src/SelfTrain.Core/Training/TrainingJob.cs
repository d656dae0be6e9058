namespace SelfTrain.Core.Training;

/// <summary>
/// One request to train a student: which shards, which classes, whose labels, which recipe and student, and where
/// the result goes. Stored as JSON (<see cref="TrainingJobJson"/>) and carried by reference on the training queue.
/// </summary>
public sealed record TrainingJob
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required string JobId { get; init; }

    /// <summary>Blob names of the shards (in the shards container); every one must exist and match the job's shape.</summary>
    public required IReadOnlyList<string> Shards { get; init; }

    /// <summary>Class names in label order; the shards' class count must equal their number.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>The model whose labels the pseudo samples carry; null for a supervised job.</summary>
    public TeacherReference? Teacher { get; init; }

    /// <summary>Identifies the training data (e.g. the round), copied into the model's lineage.</summary>
    public string? DataSnapshot { get; init; }

    public string Recipe { get; init; } = Recipes.NoisyStudent;

    public RecipeHyperparameters Hyperparameters { get; init; } = new();

    /// <summary>Student architecture ("small-cnn", "resnet8").</summary>
    public required string Architecture { get; init; }

    /// <summary>Channels of the images (1 gray, 3 RGB).</summary>
    public int Channels { get; init; } = 1;

    /// <summary>Side of the square input images, in pixels; the shards must hold images of this size.</summary>
    public required int InputSize { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>The version the candidate is written under (<c>models/{OutputVersion}/</c>).</summary>
    public required string OutputVersion { get; init; }

    /// <summary>Every problem with this job, in words; empty when it can run.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (SchemaVersion != CurrentSchemaVersion)
            problems.Add($"schemaVersion {SchemaVersion} is not supported (expected {CurrentSchemaVersion})");
        if (string.IsNullOrWhiteSpace(JobId)) problems.Add("jobId is missing");
        if (Shards is null || Shards.Count == 0) problems.Add("shards must name at least one shard");
        if (Classes is null || Classes.Count < 2) problems.Add("classes must name at least two classes");
        if (!Recipes.All.Contains(Recipe)) problems.Add($"recipe '{Recipe}' is unknown (known: {string.Join(", ", Recipes.All)})");
        if (Recipe != Recipes.Supervised && Teacher is null) problems.Add($"recipe '{Recipe}' needs a teacher");
        if (InputSize is < 8 or > 512) problems.Add($"inputSize {InputSize} must be between 8 and 512");
        else if (StudentArchitectures.Problem(Architecture, InputSize) is { } architecture) problems.Add(architecture);
        if (Channels is not (1 or 3)) problems.Add($"channels {Channels} must be 1 or 3");
        if (!Models.ModelManifest.IsValidVersion(OutputVersion))
            problems.Add(Models.ModelManifest.VersionRule(OutputVersion, "outputVersion"));
        if (Hyperparameters is null) problems.Add("hyperparameters are missing");
        else problems.AddRange(Hyperparameters.Problems(Classes?.Count ?? 0));
        return problems;
    }

    /// <exception cref="InvalidDataException">The job cannot run; the message lists every problem.</exception>
    public TrainingJob EnsureValid()
    {
        var problems = Problems();
        return problems.Count == 0 ? this
            : throw new InvalidDataException($"Training job '{JobId}' is invalid: {string.Join("; ", problems)}.");
    }
}

/// <summary>The teacher whose labels a job learns from.</summary>
public sealed record TeacherReference(string Version, string? ManifestBlob = null);
