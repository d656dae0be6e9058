using SelfTrain.Core.Models;
using SelfTrain.Inference;
using SelfTrain.Storage;

namespace SelfTrain.Client;

/// <summary>
/// A model version as a folder on disk: <c>model.onnx</c> and <c>manifest.json</c>, as the trainer writes them and as
/// a user prepares their own model A. <see cref="CheckAsync"/> applies what the hosts apply when they load a version —
/// the manifest's schema and rules, the SHA-256 it records, the ONNX graph against the manifest, one inference (with
/// the default settings) — and lists every problem, before anything is uploaded.
/// </summary>
public sealed record ModelFolder(string Directory, byte[] Onnx, ModelManifest Manifest)
{
    public const string OnnxFile = "model.onnx";
    public const string ManifestFile = "manifest.json";

    /// <summary>The folder's model, or every problem with it.</summary>
    public static async Task<(ModelFolder? Folder, IReadOnlyList<string> Problems)> CheckAsync(string directory, InferenceOptions options,
        CancellationToken cancellationToken = default)
    {
        var (onnxPath, manifestPath) = (Path.Combine(directory, OnnxFile), Path.Combine(directory, ManifestFile));
        var problems = new List<string>();
        if (!System.IO.Directory.Exists(directory)) return (null, [$"{directory} is not a folder"]);
        if (!File.Exists(onnxPath)) problems.Add($"{OnnxFile} is missing from {directory}");
        if (!File.Exists(manifestPath)) problems.Add($"{ManifestFile} is missing from {directory}");
        if (problems.Count > 0) return (null, problems);

        var json = await File.ReadAllTextAsync(manifestPath, cancellationToken);
        problems.AddRange(DocumentSchemas.Manifest.Problems(json).Select(p => $"{ManifestFile} {p} (schema {DocumentSchemas.Manifest.Name})"));
        if (problems.Count > 0) return (null, problems);
        ModelManifest manifest;
        try
        {
            manifest = ModelManifestJson.Deserialize(json, ManifestFile);
        }
        catch (InvalidDataException ex)
        {
            return (null, [ex.Message]);
        }

        var onnx = await File.ReadAllBytesAsync(onnxPath, cancellationToken);
        var sha256 = ModelStore.Sha256Of(onnx);
        if (manifest.Sha256 is { } recorded && recorded != sha256)
            return (null, [$"{ManifestFile} records sha256 {recorded}, but {OnnxFile} hashes to {sha256}: the manifest belongs to other weights"]);
        manifest = manifest with { Sha256 = sha256 };

        try
        {
            using var model = OnnxClassifier.Load(onnx, manifest, options);
            // One inference on a blank image of the model's own size, as the round's smoke check runs one.
            var blank = PngEncoder.EncodeGray(new byte[manifest.Input.Width * manifest.Input.Height], manifest.Input.Width, manifest.Input.Height);
            var outcome = ImageClassifier.Classify(model, [blank], ImageLimits.Default).Single();
            if (outcome.Prediction is null) problems.Add($"the model could not classify a blank {manifest.Input.Width}x{manifest.Input.Height} image: {outcome.Rejection?.Message}");
        }
        catch (Exception ex) when (ex is InvalidDataException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            problems.Add(ex.Message);
        }
        return problems.Count > 0 ? (null, problems) : (new ModelFolder(directory, onnx, manifest), []);
    }

    /// <summary>A folder the trainer wrote, read without the checks (it checked them when it wrote it).</summary>
    public static async Task<ModelFolder> ReadAsync(string directory, CancellationToken cancellationToken = default)
    {
        var manifestPath = Path.Combine(directory, ManifestFile);
        var manifest = ModelManifestJson.Deserialize(await File.ReadAllTextAsync(manifestPath, cancellationToken), manifestPath);
        return new ModelFolder(directory, await File.ReadAllBytesAsync(Path.Combine(directory, OnnxFile), cancellationToken), manifest);
    }
}
