using SelfTrain.Core.Telemetry;
using SelfTrain.Storage;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>
/// Promote: moves <c>models/champion.json</c> to the candidate only if it still names the champion the round
/// started from (an ETag-conditional write), so of two rounds racing only one can win; the old champion stays
/// for rollback. The candidate is first copied from <c>candidates/</c> into <c>models/</c>, and only if its bytes are
/// still the validated ones.
/// </summary>
public sealed class ChampionPromoter(ModelStore models, ModelRegistry registry)
{
    /// <summary>The validation figures the registry keeps with a promotion or rejection.</summary>
    public static IReadOnlyDictionary<string, double>? Metrics(ValidationResult? validation) => validation?.Candidate is not { } candidate ? null
        : new Dictionary<string, double>
        {
            ["validationAccuracy"] = candidate.Accuracy,
            ["championValidationAccuracy"] = validation.Champion.Accuracy,
            ["macroF1"] = candidate.MacroF1,
            ["mcnemarP"] = validation.Decision.PValue,
        };

    public async Task<PromotionResult> PromoteAsync(PromotionRequest request, CancellationToken cancellationToken = default)
    {
        using var span = SelfTrainTelemetry.StartRoundStep("promote", model: request.Candidate);
        var current = await models.GetChampionAsync(cancellationToken);
        if (current is null || current.Pointer.Version != request.ExpectedChampion)
            return new PromotionResult(false, current?.Pointer.Version ?? "", $"the champion changed to {current?.Pointer.Version} during the round");
        try
        {
            await models.PublishAsync(request.Candidate, request.CandidateSha256, cancellationToken);
        }
        catch (ModelIntegrityException ex)
        {
            return new PromotionResult(false, current.Pointer.Version, ex.Message);
        }
        return await registry.PromoteAsync(request.Candidate, ChampionChangeKind.Promoted, request.Reason, current, request.Metrics, cancellationToken) is not null
            ? new PromotionResult(true, request.Candidate, null)
            : new PromotionResult(false, (await models.GetChampionAsync(cancellationToken))?.Pointer.Version ?? "", "another round promoted first");
    }
}
