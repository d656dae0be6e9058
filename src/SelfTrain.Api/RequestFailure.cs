using Microsoft.AspNetCore.Http;

namespace SelfTrain.Api;

/// <summary>
/// How both hosts answer a request that ended in an exception. A request the server refused (malformed, too large,
/// a body cut short by a client that went away) keeps its 4xx status and is the client's doing, not a failure of the
/// service to log as an error; anything else is a 500.
/// </summary>
public static class RequestFailure
{
    public static int StatusCode(Exception exception) =>
        exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;

    public static bool IsClientError(Exception exception) => StatusCode(exception) < StatusCodes.Status500InternalServerError;
}
