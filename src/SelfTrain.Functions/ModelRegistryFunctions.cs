using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SelfTrain.Api;

namespace SelfTrain.Functions;

/// <summary>
/// The model registry's HTTP API over the handlers the local host serves too. All are operator routes at the admin
/// level: the POSTs change what every user is served, and the listing exposes lineage, metrics and gate decisions. A
/// function key handed to clients for <c>predict</c> opens none of them.
/// </summary>
public sealed class ModelRegistryFunctions(ModelsHandler models, RollbackHandler rollback, PromoteHandler promote)
{
    [Function("Models")]
    public Task<IResult> Models(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = FunctionRoutes.Api + ModelsHandler.Route)] HttpRequest request) =>
        models.HandleAsync(request);

    [Function("RollbackModel")]
    public Task<IResult> Rollback(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = FunctionRoutes.Api + RollbackHandler.Route)] HttpRequest request) =>
        rollback.HandleAsync(request);

    [Function("PromoteModel")]
    public Task<IResult> Promote(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = FunctionRoutes.Api + PromoteHandler.Route)] HttpRequest request, string version) =>
        promote.HandleAsync(request, version);
}
