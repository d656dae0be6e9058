using System.ComponentModel.DataAnnotations;
using SelfTrain.Inference;

namespace SelfTrain.Serving;

/// <summary>How the champion is served and incoming images labelled; the "Serving" configuration section.</summary>
public sealed record ServingOptions
{
    public const string Section = "Serving";

    /// <summary>How often the champion pointer is read; a promotion is served within this time.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan ChampionPollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How soon the local watcher lists <c>incoming/</c> again after a pass that found nothing new.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan IncomingPollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest wait between listings: each empty pass doubles the wait up to this, or to nine times the last
    /// listing's duration when that is longer. Listing a large container is the watcher's main cost (on two cores,
    /// listing 20,000 blobs every 2 s halved training speed beside it).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan IncomingIdlePollInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the local watcher, while it waits for its next listing, checks for the notices uploaders leave
    /// (<see cref="SelfTrain.Storage.IncomingNotices"/>): a notice ends the wait, so a burst after a quiet spell is labelled
    /// at once rather than up to <see cref="IncomingIdlePollInterval"/> later. A check is one small queue request.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan IncomingNoticeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How old a blob without a label must be before the sweep labels it (in Azure, where Event Grid normally delivers
    /// within seconds; the local watcher sweeps everything).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan SweepMinimumAge { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Images labelled per batch: one model run (in chunks of the engine's batch size) and one table transaction per
    /// label partition, so a larger batch writes fewer, fuller transactions.
    /// </summary>
    [Range(1, 1024)]
    public int BatchSize { get; init; } = 256;

    /// <summary>
    /// Encoded image bytes a labelling pass holds at once, downloading, waiting and in the batch being labelled (each
    /// image counted at its listed size before it is downloaded; one larger than this takes all of it). A batch closes
    /// early rather than wait for more.
    /// </summary>
    [Range(1L << 20, 1L << 34)]
    public long MaxPendingImageBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>Blob downloads in flight at once.</summary>
    [Range(1, 256)]
    public int DownloadConcurrency { get; init; } = 16;

    /// <summary>
    /// Predictions decoded and run at once; more wait in a queue of <see cref="PredictQueueLimit"/>, beyond which a
    /// request gets 503 with Retry-After. Each one in flight may hold a decoded image (at most
    /// <see cref="MaxImagePixels"/> × 4 bytes), so this is what bounds the memory of a burst.
    /// </summary>
    [Range(1, 1024)]
    public int MaxConcurrentPredictions { get; init; } = 8;

    [Range(0, 100_000)]
    public int PredictQueueLimit { get; init; } = 64;

    /// <summary>Images one image-embeddings request may carry.</summary>
    [Range(1, 1024)]
    public int MaxEmbeddingInputs { get; init; } = 64;

    /// <summary>
    /// Bytes of one image-embeddings request body (base64 images in JSON); larger is refused with 413 before it is
    /// parsed, so a request holds at most this plus its decoded images.
    /// </summary>
    [Range(1L << 10, 1L << 30)]
    public long MaxEmbeddingRequestBytes { get; init; } = 16L * 1024 * 1024;

    [Range(1L, 1L << 30)]
    public long MaxImageBytes { get; init; } = ImageLimits.Default.MaxBytes;
    [Range(1L, 1L << 30)]
    public long MaxImagePixels { get; init; } = ImageLimits.Default.MaxPixels;

    /// <summary>Bytes of decoded pixels the process holds at once (<see cref="DecodeMemoryBudget"/>).</summary>
    [Range(1L << 20, 1L << 36)]
    public long DecodeMemoryBudgetBytes { get; init; } = DecodeMemoryBudget.DefaultBytes;

    public ImageLimits Limits => new() { MaxBytes = MaxImageBytes, MaxPixels = MaxImagePixels };
}
