using Azure.Core.Serialization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SelfTrain.Api;
using SelfTrain.Core;
using SelfTrain.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<ProblemDetailsMiddleware>();
// The worker's serializer is also the Durable extension's data converter: orchestration input, custom status and
// output take the same camelCase shape as in the local host.
builder.Services.Configure<WorkerOptions>(options => options.Serializer = new JsonObjectSerializer(SelfTrainJson.Options));
builder.Services.AddSelfTrain(builder.Configuration);
builder.Build().Run();
