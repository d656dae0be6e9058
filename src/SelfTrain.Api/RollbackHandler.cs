using Microsoft.AspNetCore.Http;
using SelfTrain.Storage;

namespace SelfTrain.Api;

/// <summary>
/// <c>POST /api/models/rollback</c>: the champion goes back to the pointer's previous version, with the body's optional
/// <c>reason</c>. 200 with the new pointer; 409 when there is no previous champion (or it is gone) or the pointer moved;
/// 422 when the previous version's bytes no longer match its manifest.
/// </summary>
public sealed class RollbackHandler(ModelRegistry registry)
{
    public const string Route = "models/rollback";
    public const string DefaultReason = "manual rollback";

    public async Task<IResult> HandleAsync(HttpRequest request)
    {
        var (reason, problem) = await ReasonBody.ReadAsync(request, DefaultReason);
        if (problem is not null) return problem;

        try
        {
            var pointer = await registry.RollbackAsync(reason!, request.HttpContext.RequestAborted);
            return pointer is null ? RegistryProblems.PointerMoved() : Results.Ok(pointer);
        }
        catch (NoPreviousChampionException ex)
        {
            return Results.Problem(title: "No previous champion", detail: ex.Message, statusCode: StatusCodes.Status409Conflict);
        }
        catch (ModelIntegrityException ex)
        {
            return RegistryProblems.Refused(ex);
        }
        catch (ModelNotFoundException ex)
        {
            return Results.Problem(title: "The previous champion is gone", detail: ex.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }
}
