using SelfTrain.Api;
using SelfTrain.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.AddJsonConsole(options => options.IncludeScopes = true);
builder.Services.AddSelfTrain(builder.Configuration, fallbackStorage: StorageAccount.DevelopmentConnectionString);

var app = builder.Build();
var api = app.MapGroup("/api");
api.MapGet(HealthHandler.Route, (HttpRequest request, HealthHandler handler) => handler.HandleAsync(request));

app.Run();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
