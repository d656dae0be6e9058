using System.Text.Json;
using SelfTrain.Storage;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>
/// Promote: moves <c>models/champion.json</c> to the candidate only if it still names the champion the round
/// started from (an ETag-conditional write), so of two rounds racing only one can win; the old champion stays
/// for rollback. Writes the round's report beside the candidate either way.
/// </summary>
public sealed class ChampionPromoter(StorageAccount storage, StorageLayout layout, ModelStore models)
{
    public const string ReportBlob = "round-report.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public async Task<PromotionResult> PromoteAsync(PromotionRequest request, CancellationToken cancellationToken = default)
    {
        var current = await models.GetChampionAsync(cancellationToken);
        if (current?.Pointer.Version != request.ExpectedChampion)
            return new PromotionResult(false, current?.Pointer.Version ?? "", $"the champion changed to {current?.Pointer.Version} during the round");
        return await models.TrySetChampionAsync(request.Candidate, request.Reason, current, cancellationToken)
            ? new PromotionResult(true, request.Candidate, null)
            : new PromotionResult(false, (await models.GetChampionAsync(cancellationToken))?.Pointer.Version ?? "", "another round promoted first");
    }

    public async Task WriteReportAsync(RoundReportRequest request, CancellationToken cancellationToken = default)
    {
        var container = storage.Blobs.GetBlobContainerClient(layout.Models);
        await container.GetBlobClient($"{request.Candidate}/{ReportBlob}")
            .UploadAsync(BinaryData.FromObjectAsJson(request.Result, Json), overwrite: true, cancellationToken);
    }
}
