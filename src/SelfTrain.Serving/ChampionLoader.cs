using Microsoft.Extensions.Logging;
using SelfTrain.Core.Telemetry;
using SelfTrain.Inference;
using SelfTrain.Storage;

namespace SelfTrain.Serving;

/// <summary>
/// Keeps <see cref="ServedModel"/> on the version <c>models/champion.json</c> names. A version that fails to load
/// is logged once and skipped until the pointer moves again; whatever served before keeps serving.
/// </summary>
public sealed partial class ChampionLoader(ModelStore models, ServedModel served, InferenceOptions inference, ILogger<ChampionLoader> logger)
{
    private string? _failedVersion;

    /// <summary>The version the pointer names but that could not be served (incomplete, invalid or changed bytes); null when none.</summary>
    public string? RefusedVersion => _failedVersion;

    /// <returns>The version served after the check, or null while there is no champion.</returns>
    public async Task<string?> RefreshAsync(CancellationToken cancellationToken = default)
    {
        var champion = await models.GetChampionAsync(cancellationToken);
        var version = champion?.Pointer.Version;
        if (version is null || version == served.Version || version == _failedVersion)
            return served.Version;

        try
        {
            var (onnx, manifest) = await models.LoadAsync(version, cancellationToken);
            var previous = served.Version;
            served.Swap(OnnxClassifier.Load(onnx, manifest, inference));
            _failedVersion = null;
            SelfTrainTelemetry.Champion.Record(1, new KeyValuePair<string, object?>(SelfTrainTelemetry.ModelTag, version));
            if (previous is not null)
                SelfTrainTelemetry.Champion.Record(0, new KeyValuePair<string, object?>(SelfTrainTelemetry.ModelTag, previous));
            LogSwapped(version, previous ?? "(none)");
        }
        catch (Exception ex) when (ex is InvalidDataException or ModelNotFoundException or ModelIntegrityException)
        {
            _failedVersion = version;
            LogLoadFailed(ex, version, served.Version ?? "(none)");
        }
        return served.Version;
    }

    [LoggerMessage(LogLevel.Information, "Serving champion {Version} (was {Previous})")]
    private partial void LogSwapped(string version, string previous);

    [LoggerMessage(LogLevel.Error, "Champion {Version} cannot be served; still serving {Current}")]
    private partial void LogLoadFailed(Exception error, string version, string current);
}
