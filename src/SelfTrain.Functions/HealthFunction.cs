using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SelfTrain.Api;

namespace SelfTrain.Functions;

public sealed class HealthFunction(HealthHandler handler)
{
    [Function("Health")]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HealthHandler.Route)] HttpRequest request) =>
        await handler.HandleAsync(request);
}
