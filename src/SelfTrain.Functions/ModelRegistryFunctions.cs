using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SelfTrain.Api;

namespace SelfTrain.Functions;

/// <summary>
/// The model registry's HTTP API over the handlers the local host serves too. All take a function key: the POSTs
/// change what every user is served, and the listing exposes lineage, metrics and gate decisions, which are
/// operators' business, unlike the anonymous health probe.
/// </summary>
public sealed class ModelRegistryFunctions(ModelsHandler models, RollbackHandler rollback, PromoteHandler promote)
{
    [Function("Models")]
    public Task<IResult> Models(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ModelsHandler.Route)] HttpRequest request) =>
        models.HandleAsync(request);

    [Function("RollbackModel")]
    public Task<IResult> Rollback(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = RollbackHandler.Route)] HttpRequest request) =>
        rollback.HandleAsync(request);

    [Function("PromoteModel")]
    public Task<IResult> Promote(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = PromoteHandler.Route)] HttpRequest request, string version) =>
        promote.HandleAsync(request, version);
}
