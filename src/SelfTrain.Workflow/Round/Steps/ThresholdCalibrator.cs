using SelfTrain.Core.Evaluation;
using SelfTrain.Core.Telemetry;
using SelfTrain.Serving;
using SelfTrain.Storage;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>
/// Calibrate: the teacher's per-class confidence thresholds on gold/validation for the target precision; with a
/// second opinion, the thresholds of the committee's mean probabilities, which is what the shards then judge by.
/// </summary>
public sealed class ThresholdCalibrator(ModelLoader loader, GoldEvaluator gold)
{
    public async Task<IReadOnlyList<ClassThreshold>> CalibrateAsync(CalibrationRequest request, CancellationToken cancellationToken = default)
    {
        using var span = SelfTrainTelemetry.StartRoundStep("calibrate", model: request.Teacher);
        using var teacher = await loader.LoadAsync(request.Teacher, cancellationToken);
        using var second = request.SecondOpinion is { } version ? await loader.LoadAsync(version, cancellationToken) : null;
        var predictions = second is null
            ? (await gold.PredictAsync(GoldSplit.Validation, [teacher], cancellationToken))[0]
            : await gold.PredictCommitteeAsync(GoldSplit.Validation, [teacher, second], cancellationToken);
        return ConfidenceThresholds.Calibrate(predictions.Truth, predictions.Predicted, predictions.Confidence,
            teacher.Manifest.Classes.Count, request.TargetPrecision);
    }
}
