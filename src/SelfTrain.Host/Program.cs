using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using SelfTrain.Api;
using SelfTrain.Core;
using SelfTrain.Host;
using SelfTrain.Host.Durable;
using SelfTrain.Serving;
using SelfTrain.Storage;
using SelfTrain.Workflow.Round.Steps;

// The content root is where the host's files are (appsettings.json and its log levels), wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Logging.AddJsonConsole(options =>
{
    options.IncludeScopes = true;
    // Every line says when, in UTC, so a log read later (a demo's host.log, a crash) shows how long each step took.
    options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
    options.UseUtcTimestamp = true;
});
var storage = builder.Configuration[StorageAccount.SettingName] ?? StorageAccount.DevelopmentConnectionString;
builder.Services.AddSelfTrain(builder.Configuration, fallbackStorage: storage);
builder.Services.AddSelfTrainTelemetry(builder.Configuration);

// Operators and clients are kept apart: the operator routes take the operator key (or loopback alone), as
// admin-level functions do in Azure.
builder.Services.AddValidatedOptions<OperatorAccessOptions>(builder.Configuration, OperatorAccessOptions.Section, access => access.Problems());
builder.Services.AddSingleton<OperatorAccess>();

// Predictions in flight are bounded (each may hold a decoded image); a burst beyond the queue gets 503 + Retry-After.
var serving = builder.Configuration.GetSection(ServingOptions.Section).Get<ServingOptions>() ?? new ServingOptions();
builder.Services.AddRateLimiter(limiter =>
{
    limiter.AddConcurrencyLimiter(PredictHandler.Route, options =>
    {
        options.PermitLimit = serving.MaxConcurrentPredictions;
        options.QueueLimit = serving.PredictQueueLimit;
        options.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
    });
    limiter.OnRejected = async (context, cancellationToken) =>
    {
        context.HttpContext.Response.Headers.RetryAfter = "1";
        await Results.Problem(title: "Too many predictions in flight", statusCode: StatusCodes.Status503ServiceUnavailable,
            detail: $"{serving.MaxConcurrentPredictions} predictions are running and {serving.PredictQueueLimit} waiting; retry after a second.")
            .ExecuteAsync(context.HttpContext);
    };
});

// The round's embedding view calls an image-embeddings endpoint; by default this host's own route.
builder.Services.AddSingleton(services => new EmbeddingsEndpoint(() => OwnEmbeddingsEndpoint.Create(services)));

// Azurite has no Event Grid: a watcher stands in for the blob trigger, feeding the same handler.
builder.Services.AddSingleton(services => new IncomingNotices(services.GetRequiredService<StorageAccount>(), services.GetRequiredService<StorageLayout>(),
    services.GetRequiredService<TimeProvider>()));
builder.Services.AddHostedService<IncomingWatcher>();

// Rounds run on the Durable Task engine in-process, on the same storage (the Azure Storage provider, as in Functions),
// so a round survives a restart; a listener on training-results stands in for the Functions queue trigger.
var prefix = builder.Configuration[$"{StorageLayout.Section}:{nameof(StorageLayout.Prefix)}"] ?? "";
builder.Services.AddLocalDurableTask(registry => registry.AddRoundTasks(), new LocalDurableTaskOptions
{
    ConnectionString = storage,
    TaskHubName = builder.Configuration["Durable:TaskHub"] ?? "SelfTrain" + new string(prefix.Where(char.IsAsciiLetterOrDigit).ToArray()),
    DataConverter = new JsonDataConverter(SelfTrainJson.Options),
});
builder.Services.AddHostedService<TrainingResultListener>();
builder.Services.AddSingleton<DurableStatusHandler>();

var app = builder.Build();
// The label stream counts from start-up, not from the dashboard's first request.
app.Services.GetRequiredService<LabelStream>();
// An unhandled error is a problem+json 500 without its details (those go to the log).
app.UseExceptionHandler(new ExceptionHandlerOptions
{
    // A request Kestrel refuses (malformed, too large, cut short) keeps its own 4xx status and is not logged as an
    // error; the handler itself answers a client that hung up with 499, unlogged.
    StatusCodeSelector = exception => RequestFailure.StatusCode(exception),
    SuppressDiagnosticsCallback = context => RequestFailure.IsClientError(RequestFailure.StatusCode(context.Exception)),
});
app.UseStatusCodePages();
app.UseRateLimiter();
var api = app.MapGroup("/api");
api.MapGet(HealthHandler.Route, (HttpRequest request, HealthHandler handler) => handler.HandleAsync(request));
api.MapPost(PredictHandler.Route, (HttpRequest request, PredictHandler handler) => handler.HandleAsync(request))
    .RequireRateLimiting(PredictHandler.Route);
// A client's second route: the Azure AI Model Inference image-embeddings contract, in the same bound as predictions.
api.MapGet(EmbeddingsHandler.InfoRoute, (HttpRequest request, EmbeddingsHandler handler) => handler.Info(request));
api.MapPost(EmbeddingsHandler.EmbeddingsRoute, (HttpRequest request, EmbeddingsHandler handler) => handler.EmbedAsync(request))
    .RequireRateLimiting(PredictHandler.Route);

var operators = app.MapGroup("/api").AddEndpointFilter<OperatorAccess>();
operators.MapPost(RoundsHandler.Route, (HttpRequest request, RoundsHandler handler, DurableTaskClient client) => handler.StartAsync(request, client));
operators.MapGet(RoundsHandler.InstanceRoute, (HttpRequest request, string id, RoundsHandler handler, DurableTaskClient client) =>
    handler.GetAsync(request, id, client));
operators.MapPost(RoundsHandler.TerminateRoute, (HttpRequest request, string id, RoundsHandler handler, DurableTaskClient client) =>
    handler.TerminateAsync(request, id, client));
operators.MapGet(ModelsHandler.Route, (HttpRequest request, ModelsHandler handler) => handler.HandleAsync(request));
operators.MapPost(RollbackHandler.Route, (HttpRequest request, RollbackHandler handler) => handler.HandleAsync(request));
operators.MapPost(PromoteHandler.Route, (HttpRequest request, string version, PromoteHandler handler) => handler.HandleAsync(request, version));
// The dashboard is the host's front page, as in the Functions app, behind the same operator check.
app.MapGet(DashboardHandler.Route, (HttpRequest request, DashboardHandler handler, DurableTaskClient client) => handler.HandleAsync(request, client))
    .AddEndpointFilter<OperatorAccess>().WithMetadata(OperatorAccess.BrowserPage.Instance);

// The Durable Functions status webhooks, for clients written for them; no raiseEvent: results come only from the queue.
var instances = app.MapGroup(DurableStatusHandler.InstancesRoute).AddEndpointFilter<OperatorAccess>();
instances.MapGet("{id}", (HttpRequest request, string id, DurableStatusHandler handler) => handler.StatusAsync(request, id));
instances.MapPost("{id}/terminate", (HttpRequest request, string id, DurableStatusHandler handler) => handler.TerminateAsync(request, id));
instances.MapDelete("{id}", (HttpRequest request, string id, DurableStatusHandler handler) => handler.PurgeAsync(request, id));

app.Run();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
