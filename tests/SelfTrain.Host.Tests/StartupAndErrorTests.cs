using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SelfTrain.Storage;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

/// <summary>Bad settings stop the host before it serves; an unhandled error is problem+json that keeps its details in the log.</summary>
public sealed class StartupAndErrorTests
{
    [Fact]
    public async Task A_host_with_settings_out_of_range_does_not_start_and_names_every_problem()
    {
        var failure = await HostFixture.StartupFailureAsync(new Dictionary<string, string>
        {
            ["Serving:BatchSize"] = "0",
            ["Gate:Alpha"] = "2",
            ["Rounds:MaxTrainingTimeout"] = "00:00:01",
            ["Operator:Key"] = "short",
            ["Storage:Prefix"] = "9starts-with-a-digit",
        });
        var error = failure.ToString();
        Assert.Contains("BatchSize", error);
        Assert.Contains("gate.alpha 2 must be in (0, 1]", error);
        Assert.Contains("MaxTrainingTimeout", error);
        Assert.Contains("Operator:Key has 5 characters", error);
        Assert.Contains("Prefix", error);
    }

    [Fact]
    public async Task An_unhandled_error_is_a_problem_json_500_without_its_details()
    {
        var outage = new StorageOutage();
        await using var fixture = await HostFixture.CreateAsync(services: services =>
            services.AddSingleton(StorageAccount.FromConnectionString(AzuriteStorage.ConnectionString, outage)));
        var client = fixture.Factory.CreateClient();
        outage.Begin();

        using var response = await client.GetAsync("/api/models");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(500, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain("Storage is down", body);
    }
}
