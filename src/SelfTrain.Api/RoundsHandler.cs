using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using SelfTrain.Workflow.Round;

namespace SelfTrain.Api;

/// <summary>The Durable Functions HTTP management payload for one instance.</summary>
public sealed record ManagementPayload(string Id, string StatusQueryGetUri, string SendEventPostUri, string TerminatePostUri,
    string PurgeHistoryDeleteUri);

/// <summary>
/// <c>POST /api/rounds</c> starts a self-training round (body: optional <see cref="RoundRequest"/> JSON) and answers
/// 202 with the management payload, <c>Location</c> and <c>Retry-After</c>; <c>GET /api/rounds/{id}</c> shows its
/// status, custom status and, once done, its result. The client comes from the caller: the local host resolves it
/// from DI, a Functions trigger binds it.
/// </summary>
public sealed class RoundsHandler
{
    public const string Route = "rounds";
    public const string InstanceRoute = "rounds/{id}";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<IResult> StartAsync(HttpRequest request, DurableTaskClient client, Func<string, ManagementPayload> links)
    {
        RoundRequest round;
        try
        {
            round = request.ContentLength is null or 0 && !request.Headers.ContentType.Any()
                ? new RoundRequest()
                : await JsonSerializer.DeserializeAsync<RoundRequest>(request.Body, Json, request.HttpContext.RequestAborted) ?? new RoundRequest();
        }
        catch (JsonException ex)
        {
            return Results.Problem(title: "Invalid round request", detail: ex.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        if (Problems(round) is { Count: > 0 } problems)
            return Results.Problem(title: "Invalid round request", detail: string.Join("; ", problems), statusCode: StatusCodes.Status400BadRequest);

        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(SelfTrainingRound), round, request.HttpContext.RequestAborted);
        var payload = links(id);
        request.HttpContext.Response.Headers.RetryAfter = "10";
        return Results.Accepted(payload.StatusQueryGetUri, payload);
    }

    public async Task<IResult> GetAsync(HttpRequest request, string id, DurableTaskClient client)
    {
        var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, request.HttpContext.RequestAborted);
        if (instance is null)
            return Results.Problem(title: "No such round", detail: $"No round has the id '{id}'.", statusCode: StatusCodes.Status404NotFound);
        return Results.Ok(new
        {
            id,
            status = instance.RuntimeStatus.ToString(),
            customStatus = Parse(instance.SerializedCustomStatus),
            result = Parse(instance.SerializedOutput),
            failure = instance.FailureDetails?.ErrorMessage,
            createdTime = instance.CreatedAt,
            lastUpdatedTime = instance.LastUpdatedAt,
        });
    }

    /// <summary>The payload's links on the local host, which serves the Durable Functions webhook routes itself.</summary>
    public static ManagementPayload LocalLinks(HttpRequest request, string id)
    {
        var instance = $"{request.Scheme}://{request.Host}/{DurableStatusHandler.InstancesRoute}/{Uri.EscapeDataString(id)}";
        return new ManagementPayload(id, instance, $"{instance}/raiseEvent/{{eventName}}", $"{instance}/terminate?reason={{text}}", instance);
    }

    internal static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();

    private static List<string> Problems(RoundRequest round)
    {
        var problems = new List<string>();
        if (!Core.Training.Recipes.All.Contains(round.Recipe)) problems.Add($"recipe '{round.Recipe}' is unknown (known: {string.Join(", ", Core.Training.Recipes.All)})");
        if (round.TargetPrecision is <= 0 or > 1) problems.Add("targetPrecision must be in (0, 1]");
        if (round.Epochs < 1) problems.Add("epochs must be at least 1");
        if (round.MaxRounds < 1) problems.Add("maxRounds must be at least 1");
        if (round.MaxTrainingAttempts < 1) problems.Add("maxTrainingAttempts must be at least 1");
        if (round.PartitionsPerGroup < 1) problems.Add("partitionsPerGroup must be at least 1");
        return problems;
    }
}
