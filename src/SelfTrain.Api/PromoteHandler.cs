using Microsoft.AspNetCore.Http;
using SelfTrain.Core.Models;
using SelfTrain.Storage;

namespace SelfTrain.Api;

/// <summary>
/// <c>POST /api/models/{version}/promote</c>: an operator makes a version the champion, overriding the gate; recorded as
/// <c>manual</c> with the body's optional <c>reason</c>. A round's candidate is first copied from <c>candidates/</c>.
/// 200 with the new pointer; 400 for a name that cannot be a version; 404 for an unknown or incomplete version; 409
/// when the pointer moved between reading and writing it; 422 when the version's bytes do not match its manifest.
/// </summary>
public sealed class PromoteHandler(ModelStore models, ModelRegistry registry)
{
    public const string Route = "models/{version}/promote";
    public const string DefaultReason = "manual promotion";

    public async Task<IResult> HandleAsync(HttpRequest request, string version)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var (reason, problem) = await ReasonBody.ReadAsync(request, DefaultReason);
        if (problem is not null) return problem;
        if (!ModelManifest.IsValidVersion(version)) return RegistryProblems.InvalidVersion(version);

        try
        {
            await models.PublishAsync(version, cancellationToken: cancellationToken);
            var current = await models.GetChampionAsync(cancellationToken);
            var pointer = await registry.PromoteAsync(version, ChampionChangeKind.Manual, reason!, current, cancellationToken: cancellationToken);
            return pointer is null ? RegistryProblems.PointerMoved() : Results.Ok(pointer);
        }
        catch (ModelIntegrityException ex)
        {
            return RegistryProblems.Refused(ex);
        }
        catch (ModelNotFoundException)
        {
            return RegistryProblems.UnknownVersion(version);
        }
    }
}
