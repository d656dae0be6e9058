using Microsoft.AspNetCore.Http;
using SelfTrain.Inference;
using SelfTrain.Serving;
using SelfTrain.Storage;

namespace SelfTrain.Api;

/// <summary>
/// <c>GET /api/health</c>: 200 with the served champion (and a champion the pointer names but that was refused, if
/// any) and each background loop's last success and last error when the storage account answers, 503 problem+json
/// when it does not.
/// </summary>
public sealed class HealthHandler(StorageAccount storage, ServedModel champion, ChampionLoader loader, BackgroundLoopStatus loops, TimeProvider clock)
{
    public const string Route = "health";

    public async Task<IResult> HandleAsync(HttpRequest request)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(request.HttpContext.RequestAborted);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var started = clock.GetTimestamp();
        try
        {
            await storage.Blobs.GetPropertiesAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or OperationCanceledException or AggregateException)
        {
            return Results.Problem(title: "Storage is unreachable", detail: ex.Message,
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        return Results.Ok(new
        {
            status = "healthy",
            storageLatencyMs = Math.Round(clock.GetElapsedTime(started).TotalMilliseconds, 1),
            champion = champion.Version,
            refusedChampion = loader.RefusedVersion,
            loops = loops.Snapshot(),
        });
    }
}
