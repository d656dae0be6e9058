using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SelfTrain.Storage;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

public sealed class HealthEndpointTests
{
    private static WebApplicationFactory<Program> HostWithStorage(string connectionString) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(host => host.UseSetting("AzureWebJobsStorage", connectionString));

    [Fact]
    public async Task Healthy_when_storage_answers()
    {
        await using var factory = HostWithStorage(AzuriteStorage.ConnectionString);
        using var response = await factory.CreateClient().GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("healthy", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Unreachable_storage_is_a_503_problem()
    {
        // Port 1 on loopback refuses connections: the SDK's retries run out or the 5 s health timeout ends them.
        const string nowhere = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;";
        // The host itself starts on Azurite (its durable backend needs storage to start); the account every handler
        // and background service uses is the unreachable one.
        await using var factory = HostWithStorage(AzuriteStorage.ConnectionString).WithWebHostBuilder(host =>
            host.ConfigureTestServices(services => services.AddSingleton(StorageAccount.FromConnectionString(nowhere))));
        using var response = await factory.CreateClient().GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Storage is unreachable", problem.GetProperty("title").GetString());
    }
}
