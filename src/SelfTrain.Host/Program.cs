using SelfTrain.Api;
using SelfTrain.Serving;
using SelfTrain.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.AddJsonConsole(options => options.IncludeScopes = true);
builder.Services.AddSelfTrain(builder.Configuration, fallbackStorage: StorageAccount.DevelopmentConnectionString);
// Azurite has no Event Grid: a watcher stands in for the blob trigger, feeding the same handler.
builder.Services.AddHostedService<IncomingWatcher>();

var app = builder.Build();
var api = app.MapGroup("/api");
api.MapGet(HealthHandler.Route, (HttpRequest request, HealthHandler handler) => handler.HandleAsync(request));
api.MapPost(PredictHandler.Route, (HttpRequest request, PredictHandler handler) => handler.HandleAsync(request));
api.MapGet(ModelsHandler.Route, (HttpRequest request, ModelsHandler handler) => handler.HandleAsync(request));
api.MapPost(RollbackHandler.Route, (HttpRequest request, RollbackHandler handler) => handler.HandleAsync(request));
api.MapPost(PromoteHandler.Route, (HttpRequest request, string version, PromoteHandler handler) => handler.HandleAsync(request, version));

app.Run();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
