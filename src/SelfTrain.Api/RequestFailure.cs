using Microsoft.AspNetCore.Http;

namespace SelfTrain.Api;

/// <summary>
/// How both hosts answer a request that ended in an exception. A request the server refused (malformed, too large,
/// a body cut short) keeps its 4xx, and a client that hung up gets 499; both are the client's doing, not failures of
/// the service to log as errors (nor to count in ASP.NET Core's exception metric). Anything else is a 500.
/// </summary>
public static class RequestFailure
{
    /// <summary>Client Closed Request, as nginx and ASP.NET Core's exception handler name it.</summary>
    public const int ClientClosedRequest = 499;

    /// <param name="requestAborted">Whether the client had gone when the exception was thrown.</param>
    public static int StatusCode(Exception exception, bool requestAborted = false) => exception switch
    {
        OperationCanceledException or IOException when requestAborted => ClientClosedRequest,
        BadHttpRequestException { StatusCode: >= 400 and < 500 } bad => bad.StatusCode,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static bool IsClientError(int statusCode) => statusCode < StatusCodes.Status500InternalServerError;
}
