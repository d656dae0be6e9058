using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SelfTrain.Api;

namespace SelfTrain.Functions;

/// <summary>
/// An HTTP function that throws answers problem+json, as the local host's exception handler does: a 500 with the
/// details in the log and none in the response, or the 4xx of a request the server refused, or 499 for a client that
/// hung up (see <see cref="RequestFailure"/>); other triggers' failures go to the host (retries, poison queues).
/// </summary>
internal sealed partial class ProblemDetailsMiddleware(ILogger<ProblemDetailsMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (context.GetHttpContext() is { Response.HasStarted: false } http)
        {
            var status = RequestFailure.StatusCode(ex, http.RequestAborted.IsCancellationRequested);
            if (RequestFailure.IsClientError(status)) LogClientEnded(context.FunctionDefinition.Name, status, ex.Message);
            else LogFailed(ex, context.FunctionDefinition.Name);
            http.Response.StatusCode = status;
            if (status == RequestFailure.ClientClosedRequest) return; // nobody is left to read an answer
            // Try: a client that accepts no JSON still gets the status, just without a body. A 4xx gets its standard title.
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = { Status = status, Title = status >= StatusCodes.Status500InternalServerError ? "An unexpected error occurred" : null },
            });
        }
    }

    [LoggerMessage(LogLevel.Error, "Function {Function} failed")]
    private partial void LogFailed(Exception error, string function);

    [LoggerMessage(LogLevel.Information, "Function {Function} ended a client's request with {Status}: {Reason}")]
    private partial void LogClientEnded(string function, int status, string reason);
}
