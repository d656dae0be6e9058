using Azure.Core.Serialization;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SelfTrain.Api;
using SelfTrain.Core;
using SelfTrain.Core.Telemetry;
using SelfTrain.Functions;
using SelfTrain.Workflow.Round.Steps;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<ProblemDetailsMiddleware>();
// The worker's serializer is also the Durable extension's data converter: orchestration input, custom status and
// output take the same camelCase shape as in the local host.
builder.Services.Configure<WorkerOptions>(options => options.Serializer = new JsonObjectSerializer(SelfTrainJson.Options));
builder.Services.AddSelfTrain(builder.Configuration);

// The app's user-assigned identity (the one its storage setting names): telemetry ingestion and the embeddings endpoint.
var identity = new ManagedIdentityCredential(builder.Configuration["AzureWebJobsStorage:clientId"] is { Length: > 0 } clientId
    ? ManagedIdentityId.FromUserAssignedClientId(clientId)
    : ManagedIdentityId.SystemAssigned);

// The round's embedding view calls the endpoint the settings name (a Foundry deployment, another SelfTrain app, or this one).
builder.Services.AddSingleton(services => new EmbeddingsEndpoint(() =>
{
    var options = services.GetRequiredService<EmbeddingsEndpointOptions>();
    var endpoint = options.Endpoint ?? throw new InvalidOperationException(
        $"The round asked for the embedding view, but no endpoint is set: set {EmbeddingsEndpointOptions.Section}__{nameof(EmbeddingsEndpointOptions.Endpoint)} (azd: EMBEDDINGS_ENDPOINT).");
    return EmbeddingsClientFactory.ForEndpoint(options, endpoint, identity);
}));

// Traces, metrics and logs go to Application Insights through OpenTelemetry (host.json's telemetryMode), as the
// pipeline's own source and meter; the ingestion accepts only the app's identity (local auth is off).
var telemetry = builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults()
    .WithTracing(tracing => tracing.AddSource(SelfTrainTelemetry.Name))
    .WithMetrics(metrics => metrics.AddMeter(SelfTrainTelemetry.Name));
if (!string.IsNullOrEmpty(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
    telemetry.UseAzureMonitorExporter(options => options.Credential = identity);
var app = builder.Build();
// The label stream counts from start-up, not from the dashboard's first request.
app.Services.GetRequiredService<SelfTrain.Serving.LabelStream>();
app.Run();
