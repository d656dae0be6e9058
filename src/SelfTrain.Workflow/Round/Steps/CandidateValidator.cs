using SelfTrain.Core.Evaluation;
using SelfTrain.Core.Telemetry;
using SelfTrain.Inference;
using SelfTrain.Serving;
using SelfTrain.Storage;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>
/// Validate and gate: a smoke check of the candidate (it loads, has the champion's classes in the same order and the
/// right output, and its bytes are the ones the training result reported), then both models on gold/validation — the
/// same images, never trained on — and the gate's decision. The gate is never laxer than the deployment's floor,
/// whatever the round carried.
/// </summary>
public sealed class CandidateValidator(ModelLoader loader, GoldEvaluator gold, GatePolicy floor)
{
    public async Task<ValidationResult> ValidateAsync(ValidationRequest request, CancellationToken cancellationToken = default)
    {
        using var span = SelfTrainTelemetry.StartRoundStep("validate", model: request.Candidate);
        var gate = request.Gate.AtLeast(floor);
        using var champion = await loader.LoadAsync(request.Champion, cancellationToken);
        var classes = champion.Manifest.Classes.Count;
        var smoke = new List<string>();
        OnnxClassifier? candidate = null;
        try
        {
            candidate = await loader.LoadCandidateAsync(request.Candidate, cancellationToken);
            if (candidate.Manifest.Sha256 != request.CandidateSha256)
                smoke.Add($"its model.onnx has SHA-256 {candidate.Manifest.Sha256}, not the trained {request.CandidateSha256}");
            if (!candidate.Manifest.Classes.SequenceEqual(champion.Manifest.Classes))
                smoke.Add($"its classes [{string.Join(", ", candidate.Manifest.Classes)}] differ from the champion's");
        }
        catch (Exception ex) when (ex is InvalidDataException or ModelNotFoundException or ModelIntegrityException)
        {
            smoke.Add(ex.Message);
        }

        using (candidate)
        {
            if (candidate is null || smoke.Count > 0)
            {
                var alone = (await gold.PredictAsync(GoldSplit.Validation, [champion], cancellationToken))[0];
                var refused = PromotionGate.Decide(gate, alone.Truth, alone.Predicted, alone.Predicted, classes, smoke, champion.Manifest.Classes);
                return new ValidationResult(null, alone.Evaluate(classes), refused, smoke);
            }

            var predictions = await gold.PredictAsync(GoldSplit.Validation, [candidate, champion], cancellationToken);
            var (b, c) = (predictions[0], predictions[1]);
            var decision = PromotionGate.Decide(gate, b.Truth, c.Predicted, b.Predicted, classes, classNames: champion.Manifest.Classes);
            return new ValidationResult(b.Evaluate(classes), c.Evaluate(classes), decision, smoke);
        }
    }
}
