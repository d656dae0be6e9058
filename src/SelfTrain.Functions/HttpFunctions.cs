using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SelfTrain.Api;

namespace SelfTrain.Functions;

/// <summary>
/// The clients' HTTP API: each function hands the request to the handler the local host serves too. Predict takes a
/// function key (give clients a key of this function only); operator routes are admin-level elsewhere.
/// </summary>
public sealed class HttpFunctions(HealthHandler health, PredictHandler predict, EmbeddingsHandler embeddings)
{
    [Function("Health")]
    public Task<IResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = FunctionRoutes.Api + HealthHandler.Route)] HttpRequest request) =>
        health.HandleAsync(request);

    [Function("Predict")]
    public Task<IResult> Predict(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = FunctionRoutes.Api + PredictHandler.Route)] HttpRequest request) =>
        predict.HandleAsync(request);

    // The Azure AI Model Inference image-embeddings contract; clients send the function key as x-functions-key.
    [Function("EmbeddingsInfo")]
    public IResult EmbeddingsInfo(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = FunctionRoutes.Api + EmbeddingsHandler.InfoRoute)] HttpRequest request) =>
        embeddings.Info(request);

    [Function("ImageEmbeddings")]
    public Task<IResult> ImageEmbeddings(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = FunctionRoutes.Api + EmbeddingsHandler.EmbeddingsRoute)] HttpRequest request) =>
        embeddings.EmbedAsync(request);
}
