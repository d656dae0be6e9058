using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using SelfTrain.Api;

namespace SelfTrain.Host;

/// <summary>
/// The Durable Functions instance-management webhooks, served by the local host so that clients written for Durable
/// Functions work against it: <c>GET …/instances/{id}</c> answers 200 completed, 202 running or pending, 400 failed
/// or terminated, 404 unknown, with the same body fields; plus terminate and purge. There is no raiseEvent route:
/// training results reach a round only from the <c>training-results</c> queue, where they are checked.
/// </summary>
public sealed class DurableStatusHandler(DurableTaskClient client)
{
    public const string InstancesRoute = "runtime/webhooks/durabletask/instances";

    public async Task<IResult> StatusAsync(HttpRequest request, string id)
    {
        var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, request.HttpContext.RequestAborted);
        if (instance is null) return Results.NotFound();
        var body = new
        {
            name = instance.Name,
            instanceId = instance.InstanceId,
            runtimeStatus = instance.RuntimeStatus.ToString(),
            input = RoundsHandler.Parse(instance.SerializedInput),
            customStatus = RoundsHandler.Parse(instance.SerializedCustomStatus),
            output = instance.RuntimeStatus == OrchestrationRuntimeStatus.Failed
                ? (object?)instance.FailureDetails?.ErrorMessage
                : RoundsHandler.Parse(instance.SerializedOutput),
            createdTime = instance.CreatedAt,
            lastUpdatedTime = instance.LastUpdatedAt,
        };
        return instance.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Completed => Results.Ok(body),
            OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated => Results.BadRequest(body),
            _ => Running(request, body),
        };
    }

    public async Task<IResult> TerminateAsync(HttpRequest request, string id)
    {
        var instance = await client.GetInstanceAsync(id, request.HttpContext.RequestAborted);
        if (instance is null) return Results.NotFound();
        if (instance.IsCompleted) return Results.Problem(statusCode: StatusCodes.Status410Gone, title: "Already finished", detail: $"{id} is {instance.RuntimeStatus}.");
        await client.TerminateInstanceAsync(id, request.Query["reason"].FirstOrDefault(), request.HttpContext.RequestAborted);
        return Results.Accepted();
    }

    public async Task<IResult> PurgeAsync(HttpRequest request, string id)
    {
        var purged = await client.PurgeInstanceAsync(id, cancellation: request.HttpContext.RequestAborted);
        return purged.PurgedInstanceCount == 0 ? Results.NotFound() : Results.Ok(new { instancesDeleted = purged.PurgedInstanceCount });
    }

    private static IResult Running(HttpRequest request, object body)
    {
        request.HttpContext.Response.Headers.Location = $"{request.Scheme}://{request.Host}{request.Path}";
        request.HttpContext.Response.Headers.RetryAfter = "10";
        return Results.Json(body, statusCode: StatusCodes.Status202Accepted);
    }
}
