using System.ComponentModel.DataAnnotations;

namespace SelfTrain.Storage;

/// <summary>
/// The names of everything the system keeps in its storage account, bound from the "Storage" configuration
/// section. <see cref="Prefix"/> lets the local host, its trainer worker and tests share one account; an Azure
/// deployment uses the unprefixed names its Functions triggers bind.
/// </summary>
public sealed record StorageLayout
{
    public const string Section = "Storage";

    /// <summary>A lowercase letter, then lowercase letters and digits, so that every container, queue and table name stays valid.</summary>
    [RegularExpression("^([a-z][a-z0-9]{0,23})?$")]
    public string Prefix { get; init; } = "";

    /// <summary>Partition buckets of the label store; shards are later built one per bucket.</summary>
    [Range(1, 1024)]
    public int LabelPartitions { get; init; } = 64;

    public string Incoming => Name("incoming");
    public string Quarantine => Name("quarantine");
    public string Models => Name("models");

    /// <summary>Candidate models as the trainer writes them; only a promotion copies one into <see cref="Models"/>.</summary>
    public string Candidates => Name("candidates");
    public string Shards => Name("shards");
    public string Gold => Name("gold");
    public string Runs => Name("runs");
    /// <summary>Image embeddings, one blob per embedding model and gold split or label partition.</summary>
    public string Embeddings => Name("embeddings");
    /// <summary>
    /// The local host's stand-in for Event Grid: uploaders leave a notice here and the host's watcher lists
    /// <see cref="Incoming"/> at once instead of at its next scheduled pass. Only a local host creates it.
    /// </summary>
    public string IncomingNotices => Name("incoming-notices");
    /// <summary>Event Grid's dead-lettered blob events (deliveries to the blob trigger that never succeeded).</summary>
    public string DeadLetters => Name("incoming-deadletter");

    /// <summary>Where the Functions host puts blob-trigger deliveries that failed every retry (its own name).</summary>
    public string BlobTriggerPoison => Name("webjobs-blobtrigger-poison");

    public string TrainingJobs => Name("training-jobs");
    public string TrainingResults => Name("training-results");
    /// <summary>Training results that could not be routed in every try (the Functions queue trigger's own name for it).</summary>
    public string TrainingResultsPoison => Name("training-results-poison");

    /// <summary>Table names allow letters and digits only.</summary>
    public string Labels => new((Prefix + "labels").Where(char.IsAsciiLetterOrDigit).ToArray());

    private string Name(string name) => Prefix.Length == 0 ? name : $"{Prefix}-{name}";
}
