using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SelfTrain.Api;

/// <summary>
/// The optional body of the registry's POSTs, <c>{ "reason": "..." }</c>: the reason goes into the champion pointer and
/// the history, so an operator's override says why. An empty body takes the default reason.
/// </summary>
internal static class ReasonBody
{
    public const int MaxReasonLength = 1000;

    private sealed record Body(string? Reason);

    public static async Task<(string? Reason, IResult? Problem)> ReadAsync(HttpRequest request, string defaultReason)
    {
        if (request.ContentLength == 0 || (request.ContentLength is null && string.IsNullOrEmpty(request.ContentType)))
            return (defaultReason, null);
        if (!request.HasJsonContentType())
            return (null, Results.Problem(title: "Unsupported media type", statusCode: StatusCodes.Status415UnsupportedMediaType,
                detail: $"Send no body, or application/json like {{\"reason\": \"...\"}}, not '{request.ContentType}'."));

        Body? body;
        try
        {
            body = await request.ReadFromJsonAsync<Body>(request.HttpContext.RequestAborted);
        }
        catch (JsonException ex)
        {
            return (null, Results.Problem(title: "Unreadable body", detail: ex.Message, statusCode: StatusCodes.Status400BadRequest));
        }
        var reason = body?.Reason?.Trim();
        if (reason?.Length > MaxReasonLength)
            return (null, Results.Problem(title: "Reason too long", statusCode: StatusCodes.Status400BadRequest,
                detail: $"'reason' has {reason.Length} characters; the limit is {MaxReasonLength}."));
        return (string.IsNullOrEmpty(reason) ? defaultReason : reason, null);
    }
}
