using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using SelfTrain.Core.Evaluation;
using SelfTrain.Core;
using SelfTrain.Storage;
using SelfTrain.Workflow.Round;
using SelfTrain.Workflow.Round.Steps;

namespace SelfTrain.Api;

/// <summary>
/// Where a started round can be followed and stopped: the app's own operator routes, never a URL carrying the
/// Durable extension's system key.
/// </summary>
public sealed record RoundLinks(string Id, string StatusQueryGetUri, string TerminatePostUri);

/// <summary>
/// <c>POST /api/rounds</c> starts a self-training round (body: optional <see cref="RoundRequest"/> JSON) and answers
/// 202 with <see cref="RoundLinks"/>, <c>Location</c> and <c>Retry-After</c>; <c>GET /api/rounds/{id}</c> shows its
/// status, custom status and, once done, its result or failure; <c>POST /api/rounds/{id}/terminate</c> stops it. The
/// request's gate may be stricter than the deployment's floor (<see cref="GatePolicy"/>, section "Gate"), never
/// laxer. The client comes from the caller: the local host resolves it from DI, a Functions trigger binds it.
/// </summary>
public sealed partial class RoundsHandler(GatePolicy floor, RoundLimits limits, ModelStore models, EmbeddingsEndpointOptions embeddings)
{
    public const string Route = "rounds";
    public const string InstanceRoute = "rounds/{id}";
    public const string TerminateRoute = "rounds/{id}/terminate";
    public const int MaxTerminateReasonLength = 1000;

    // A misspelt setting is an error, not a silently ignored default.
    private static readonly JsonSerializerOptions Json = SelfTrainJson.Strict;

    public async Task<IResult> StartAsync(HttpRequest request, DurableTaskClient client)
    {
        var (round, problems) = await ReadAsync(request);
        var cancellationToken = request.HttpContext.RequestAborted;
        var champion = problems.Count == 0 ? await models.GetChampionAsync(cancellationToken) : null;
        var teacher = champion is null ? null : await models.GetManifestAsync(champion.Pointer.Version, cancellationToken);
        // The student settings the request left open follow the teacher, so the round's input shows what trains.
        if (teacher is not null) round = RoundJob.ResolveStudent(round, teacher.Input);
        if (problems.Count == 0) problems.AddRange(RoundJob.Problems(round, limits.MaxTrainingTimeout));
        // The host's own embeddings route serves the champion's embedding output; without one the view has no model.
        if (teacher is not null && round.View is not null && embeddings.Endpoint is null && teacher.Embedding is null)
            problems.Add($"view needs image embeddings: the champion {teacher.Version} has no embedding output and no {EmbeddingsEndpointOptions.Section}:{nameof(EmbeddingsEndpointOptions.Endpoint)} is configured");
        if (problems.Count > 0)
            return Results.Problem(title: "Invalid round request", detail: string.Join("; ", problems), statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["problems"] = problems });
        if (champion is null)
            return Results.Problem(title: "No champion to teach", statusCode: StatusCodes.Status409Conflict,
                detail: "No model serves yet: register a model and promote it before running a round.");

        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(SelfTrainingRound), round, request.HttpContext.RequestAborted);
        var links = Links(request, id);
        request.HttpContext.Response.Headers.RetryAfter = "10";
        return Results.Accepted(links.StatusQueryGetUri, links);
    }

    public async Task<IResult> GetAsync(HttpRequest request, string id, DurableTaskClient client)
    {
        var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, request.HttpContext.RequestAborted);
        if (instance is null) return NotFound(id);
        var result = Parse(instance.SerializedOutput);
        return Results.Ok(new
        {
            id,
            status = instance.RuntimeStatus.ToString(),
            customStatus = Parse(instance.SerializedCustomStatus),
            result,
            failure = instance.FailureDetails?.ErrorMessage,
            reasons = Reasons(instance, result),
            createdTime = instance.CreatedAt,
            lastUpdatedTime = instance.LastUpdatedAt,
        });
    }

    public async Task<IResult> TerminateAsync(HttpRequest request, string id, DurableTaskClient client)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var reason = request.Query["reason"].FirstOrDefault() ?? "terminated by an operator";
        if (reason.Length > MaxTerminateReasonLength)
            return Results.Problem(title: "Reason too long", statusCode: StatusCodes.Status400BadRequest,
                detail: $"'reason' has {reason.Length} characters; the limit is {MaxTerminateReasonLength}.");
        var instance = await client.GetInstanceAsync(id, cancellationToken);
        if (instance is null) return NotFound(id);
        if (instance.IsCompleted)
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already finished", detail: $"Round {id} is {instance.RuntimeStatus}.");
        await client.TerminateInstanceAsync(id, reason, cancellationToken);
        return Results.Accepted($"{Base(request)}/api/rounds/{Uri.EscapeDataString(id)}");
    }

    /// <summary>The round's links under the app's own base URL (the request's scheme and host).</summary>
    public static RoundLinks Links(HttpRequest request, string id)
    {
        var status = $"{Base(request)}/api/rounds/{Uri.EscapeDataString(id)}";
        return new RoundLinks(id, status, $"{status}/terminate");
    }

    /// <summary>
    /// Why the round ended as it did, in words: a completed round's gate and pool reasons, a failed round's failure, a
    /// terminated round's reason; empty while it runs.
    /// </summary>
    public static IReadOnlyList<string> Reasons(OrchestrationMetadata instance, JsonElement? result) => instance.RuntimeStatus switch
    {
        OrchestrationRuntimeStatus.Completed when result is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("reasons", out var reasons)
            && reasons.ValueKind == JsonValueKind.Array => reasons.EnumerateArray().Select(x => x.GetString() ?? "").ToArray(),
        OrchestrationRuntimeStatus.Failed => [FailureWrapper().Replace(instance.FailureDetails?.ErrorMessage ?? "the round failed without a message", "")],
        OrchestrationRuntimeStatus.Terminated => [$"terminated: {(result is { ValueKind: JsonValueKind.String } text ? text.GetString() : "no reason given")}"],
        _ => [],
    };

    /// <summary>
    /// What the engines put before the reason a step failed with: the SDK's "Task 'PlanRound' (#4) failed with an
    /// unhandled exception: ", and an exception's type name ("System.InvalidOperationException: ").
    /// </summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^(Task '[^']*' \(#\d+\) failed with an unhandled exception: |([A-Za-z_]\w*\.)*[A-Za-z_]\w*Exception: )+")]
    private static partial System.Text.RegularExpressions.Regex FailureWrapper();

    /// <summary>An orchestration payload as JSON; text that is not JSON (a failure message) comes back as a JSON string.</summary>
    public static JsonElement? Parse(string? json)
    {
        if (json is null) return null;
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(json);
        }
    }

    /// <summary>The request with the gate resolved against the floor, or every problem with its body and gate.</summary>
    private async Task<(RoundRequest Round, List<string> Problems)> ReadAsync(HttpRequest request)
    {
        var problems = new List<string>();
        if (request.ContentLength is null or 0 && !request.Headers.ContentType.Any())
            return (new RoundRequest { Gate = floor }, problems);

        RoundRequest? round;
        GateOverrides? overrides = null;
        try
        {
            var body = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted) as JsonObject
                ?? throw new JsonException("The body must be a JSON object.");
            // The gate is read on its own: a field it leaves out keeps the floor's value, not a built-in default.
            if (body.Remove("gate", out var gate) && gate is not null) overrides = gate.Deserialize<GateOverrides>(Json);
            round = body.Deserialize<RoundRequest>(Json) ?? new RoundRequest();
        }
        catch (JsonException ex)
        {
            problems.Add($"the body is not a valid round request: {ex.Message}");
            return (new RoundRequest(), problems);
        }
        var (gatePolicy, gateProblems) = floor.Tighten(overrides);
        problems.AddRange(gateProblems);
        round = round with { Gate = gatePolicy };
        return (round, problems);
    }

    private static string Base(HttpRequest request) => $"{request.Scheme}://{request.Host}";

    private static IResult NotFound(string id) =>
        Results.Problem(title: "No such round", detail: $"No round has the id '{id}'.", statusCode: StatusCodes.Status404NotFound);
}
