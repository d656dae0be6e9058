using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SelfTrain.Storage;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

/// <summary>
/// Bad settings stop the host before it serves; an unhandled error is problem+json that keeps its details in the log;
/// a request body the server cannot read is the client's 400, not an error of the service's.
/// </summary>
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

    [Fact]
    public async Task A_body_the_server_cannot_read_is_a_problem_json_400_and_no_error_in_the_log()
    {
        var log = new FakeLoggerProvider();
        await using var fixture = await HostFixture.CreateAsync(
            // The hosting layer logs each request's end after the whole pipeline, the exception handler's log included.
            new Dictionary<string, string> { ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information" },
            services => services.AddSingleton<ILoggerProvider>(log), kestrel: true);
        var url = new Uri(fixture.Url);

        // Kestrel refuses the body only when the handler reads it: a chunk size that is not hexadecimal.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(url.Host, url.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /api/predict HTTP/1.1\r\nHost: {url.Authority}\r\nContent-Type: image/png\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"));
        var response = await new StreamReader(stream, Encoding.ASCII).ReadToEndAsync(); // Kestrel closes a connection it refused

        Assert.StartsWith("HTTP/1.1 400", response);
        Assert.Contains("application/problem+json", response);
        await Eventually.HoldsAsync(() => log.Collector.GetSnapshot().Any(r =>
                r.Category == "Microsoft.AspNetCore.Hosting.Diagnostics" && r.Message.Contains("/api/predict") && r.Message.Contains(" 400 ")),
            TimeSpan.FromSeconds(10), "the request's end logged with 400",
            () => string.Join('\n', log.Collector.GetSnapshot().Select(r => $"{r.Level} {r.Category}: {r.Message}")));
        Assert.DoesNotContain(log.Collector.GetSnapshot(), r => r.Level >= LogLevel.Error && r.Category?.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) == true);
    }
}
