using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SelfTrain.Functions;

/// <summary>
/// An HTTP function that throws answers problem+json 500, as the local host's exception handler does, with the
/// details in the log and none in the response; other triggers' failures go to the host (retries, poison queues).
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
            LogFailed(ex, context.FunctionDefinition.Name);
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
            // Try: a client that accepts no JSON still gets the 500, just without a body.
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = { Status = StatusCodes.Status500InternalServerError, Title = "An unexpected error occurred" },
            });
        }
    }

    [LoggerMessage(LogLevel.Error, "Function {Function} failed")]
    private partial void LogFailed(Exception error, string function);
}
