using SelfTrain.Core.Telemetry;
using SelfTrain.Storage;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>
/// Accepting a training result: the candidate it names is stored in <c>candidates/</c>, complete, and its bytes hash
/// to the SHA-256 both the result and the manifest report. A result that fails this is not the trainer's.
/// </summary>
public sealed class CandidateVerifier(ModelStore models)
{
    public async Task<CandidateCheckResult> VerifyAsync(CandidateCheck request, CancellationToken cancellationToken = default)
    {
        using var span = SelfTrainTelemetry.StartRoundStep("verify", model: request.Version);
        try
        {
            var (_, manifest) = await models.LoadCandidateAsync(request.Version, cancellationToken);
            return manifest.Sha256 == request.Sha256
                ? new CandidateCheckResult(true, null)
                : new CandidateCheckResult(false, $"candidate {request.Version} is stored with SHA-256 {manifest.Sha256}, not the reported {request.Sha256}");
        }
        catch (Exception ex) when (ex is ModelNotFoundException or InvalidDataException)
        {
            return new CandidateCheckResult(false, ex.Message);
        }
    }
}
