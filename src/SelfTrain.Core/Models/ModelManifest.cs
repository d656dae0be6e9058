namespace SelfTrain.Core.Models;

/// <summary>
/// Everything needed to serve a model version besides its ONNX file: the classes it predicts, how an image becomes
/// its input tensor, what its output means, and where it came from. Stored as <c>models/{version}/manifest.json</c>.
/// </summary>
public sealed record ModelManifest
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Longest version name: it becomes a blob-name segment and appears in URLs.</summary>
    public const int MaxVersionLength = 128;

    /// <summary>Unique, blob-name-safe id of this version (see <see cref="IsValidVersion"/>).</summary>
    public required string Version { get; init; }

    /// <summary>Class names in the order of the model's output vector.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    public required ModelInput Input { get; init; }

    public required ModelOutput Output { get; init; }

    /// <summary>
    /// The graph's second output that describes an image as a vector (the layer before the classifier), served on the
    /// image-embeddings route; absent when the model has none.
    /// </summary>
    public ModelEmbedding? Embedding { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>How the model was made; absent for models registered from outside.</summary>
    public ModelLineage? Lineage { get; init; }

    /// <summary>
    /// Lower-case hex SHA-256 of <c>model.onnx</c>, recorded when the version is stored; every load checks the bytes
    /// against it, so the weights served are the weights that were validated.
    /// </summary>
    public string? Sha256 { get; init; }

    /// <summary>Named evaluation results (e.g. "validationAccuracy"), filled by whoever measured them.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>
    /// Whether <paramref name="version"/> can name a version: it becomes a blob-name segment, so it is 1 to
    /// <see cref="MaxVersionLength"/> letters, digits, '-', '.' and '_', starts with a letter or digit (no '.', '..'
    /// or hidden names) and never holds "..".
    /// </summary>
    public static bool IsValidVersion(string? version) =>
        !string.IsNullOrEmpty(version) && version.Length <= MaxVersionLength && char.IsAsciiLetterOrDigit(version[0])
        && version.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_') && !version.Contains("..", StringComparison.Ordinal);

    /// <summary>Why <paramref name="version"/> cannot name a version, for error messages.</summary>
    public static string VersionRule(string? version, string field = "version") =>
        $"{field} '{version}' must be 1 to {MaxVersionLength} letters, digits, '-', '.' or '_', start with a letter or digit and hold no '..'";

    /// <summary>Whether <paramref name="hash"/> is a lower-case hex SHA-256 (64 characters).</summary>
    public static bool IsValidSha256(string? hash) => hash is { Length: 64 } && hash.All(char.IsAsciiHexDigitLower);

    /// <summary>Every problem with this manifest, in words; empty when it is usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (SchemaVersion != CurrentSchemaVersion)
            problems.Add($"schemaVersion {SchemaVersion} is not supported (expected {CurrentSchemaVersion})");
        if (!IsValidVersion(Version))
            problems.Add(VersionRule(Version));
        if (Sha256 is not null && !IsValidSha256(Sha256))
            problems.Add($"sha256 '{Sha256}' must be the lower-case hex SHA-256 of model.onnx (64 characters)");
        if (Classes is null || Classes.Count < 2)
            problems.Add("classes must name at least two classes");
        else if (Classes.Count > Labels.ProbabilityCodec.MaxClasses)
            problems.Add($"classes has {Classes.Count} names; at most {Labels.ProbabilityCodec.MaxClasses} are supported");
        else if (Classes.Distinct(StringComparer.Ordinal).Count() != Classes.Count)
            problems.Add("classes must be distinct");
        if (Input is null) problems.Add("input is missing");
        else problems.AddRange(Input.Problems());
        if (Output is null) problems.Add("output is missing");
        else if (string.IsNullOrWhiteSpace(Output.TensorName)) problems.Add("output.tensorName is missing");
        if (Embedding is not null)
        {
            if (string.IsNullOrWhiteSpace(Embedding.TensorName)) problems.Add("embedding.tensorName is missing");
            else if (Embedding.TensorName == Output?.TensorName) problems.Add("embedding.tensorName must differ from output.tensorName");
            if (Embedding.Dimensions is < 1 or > ModelEmbedding.MaxDimensions)
                problems.Add($"embedding.dimensions {Embedding.Dimensions} must be between 1 and {ModelEmbedding.MaxDimensions}");
        }
        return problems;
    }

    /// <exception cref="InvalidDataException">The manifest is not usable; the message lists every problem.</exception>
    public ModelManifest EnsureValid()
    {
        var problems = Problems();
        return problems.Count == 0 ? this
            : throw new InvalidDataException($"Model manifest '{Version}' is invalid: {string.Join("; ", problems)}.");
    }
}

/// <summary>How a decoded image becomes the model's input tensor.</summary>
public sealed record ModelInput
{
    public required string TensorName { get; init; }
    public TensorLayout Layout { get; init; } = TensorLayout.Nchw;
    public required int Width { get; init; }
    public required int Height { get; init; }

    /// <summary>Gray (1 channel) or colour (3 channels, in <see cref="ColorOrder"/>).</summary>
    public required ColorOrder ColorOrder { get; init; }

    public ResizeMode Resize { get; init; } = ResizeMode.Stretch;

    /// <summary>Tensor value = (pixel × <see cref="PixelScale"/> − Mean[c]) / Std[c], pixel in 0–255.</summary>
    public float PixelScale { get; init; } = 1f / 255f;

    /// <summary>One value per channel, or one value for all.</summary>
    public IReadOnlyList<float> Mean { get; init; } = [0f];

    /// <summary>One value per channel, or one value for all; every value positive.</summary>
    public IReadOnlyList<float> Std { get; init; } = [1f];

    public int Channels => ColorOrder == ColorOrder.Gray ? 1 : 3;

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(TensorName)) problems.Add("input.tensorName is missing");
        if (Width is < 1 or > 4096 || Height is < 1 or > 4096)
            problems.Add($"input size {Width}x{Height} must be between 1 and 4096 on each side");
        if (Mean is null || (Mean.Count != 1 && Mean.Count != Channels))
            problems.Add($"input.mean must have 1 or {Channels} values");
        if (Std is null || (Std.Count != 1 && Std.Count != Channels))
            problems.Add($"input.std must have 1 or {Channels} values");
        else if (Std.Any(s => !(s > 0f)))
            problems.Add("input.std values must be positive");
        if (!(PixelScale > 0f)) problems.Add("input.pixelScale must be positive");
        return problems;
    }
}

public sealed record ModelOutput
{
    public required string TensorName { get; init; }
    public required OutputKind Kind { get; init; }
}

/// <summary>A graph output of shape [batch, <see cref="Dimensions"/>] holding each image's embedding.</summary>
public sealed record ModelEmbedding
{
    public const int MaxDimensions = 4096;

    public required string TensorName { get; init; }
    public required int Dimensions { get; init; }
}

/// <summary>Where a trained model came from: enough to reproduce it and to audit a promotion.</summary>
public sealed record ModelLineage
{
    /// <summary>The model whose labels trained this one; null for a model trained on gold labels only.</summary>
    public string? Teacher { get; init; }

    /// <summary>Identifies the training data (e.g. the round and its shard set).</summary>
    public string? DataSnapshot { get; init; }

    public required string Recipe { get; init; }
    public string? Architecture { get; init; }
    public IReadOnlyDictionary<string, string> Hyperparameters { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<EpochRecord> TrainingCurve { get; init; } = [];
}

public sealed record EpochRecord(int Epoch, double Loss, double HeldOutAccuracy, double ImagesPerSecond);

public enum TensorLayout { Nchw }

public enum ColorOrder { Gray, Rgb, Bgr }

/// <summary>Stretch: ignore aspect ratio; Fit: keep it and pad; CenterCrop: keep it and crop the longer side.</summary>
public enum ResizeMode { Stretch, Fit, CenterCrop }

public enum OutputKind { Logits, Probabilities }
