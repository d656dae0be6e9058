using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

/// <summary>Operators and clients kept apart on the local host: the operator routes take a key, or loopback alone.</summary>
public sealed class OperatorAccessTests
{
    private const string Key = "0123456789abcdef0123456789abcdef";

    /// <summary>Every operator route, as a request a test can send.</summary>
    private static readonly (HttpMethod Method, string Path)[] OperatorRoutes =
    [
        (HttpMethod.Post, "/api/rounds"),
        (HttpMethod.Get, "/api/rounds/some-round"),
        (HttpMethod.Post, "/api/rounds/some-round/terminate"),
        (HttpMethod.Get, "/api/models"),
        (HttpMethod.Post, "/api/models/rollback"),
        (HttpMethod.Post, "/api/models/v1/promote"),
        (HttpMethod.Get, "/"),
        (HttpMethod.Get, "/runtime/webhooks/durabletask/instances/some-round"),
        (HttpMethod.Post, "/runtime/webhooks/durabletask/instances/some-round/terminate"),
        (HttpMethod.Delete, "/runtime/webhooks/durabletask/instances/some-round"),
    ];

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string route)
    {
        Assert.True(status == response.StatusCode, $"{route}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Attack_a_host_listening_beyond_loopback_without_a_key_refuses_every_operator_route()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        using var host = new HostProcess(scope.Layout.Prefix, scope.Layout.LabelPartitions, bindHost: "0.0.0.0");
        using var http = new HttpClient { BaseAddress = new Uri(host.Url) };
        await host.WaitUntilServingAsync(http);

        foreach (var (method, path) in OperatorRoutes)
        {
            using var response = await http.SendAsync(new HttpRequestMessage(method, path));
            await AssertProblemAsync(response, HttpStatusCode.Forbidden, $"{method} {path}");
        }
        // Clients are not operators: prediction is answered (no champion yet), not refused.
        using var predict = await http.PostAsync("/api/predict", new ByteArrayContent(TestImages.Png(8, 8, seed: 1)));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, predict.StatusCode);
    }

    [Fact]
    public async Task With_a_key_configured_operator_routes_need_it_and_clients_do_not()
    {
        await using var fixture = await HostFixture.CreateAsync(new Dictionary<string, string> { ["Operator:Key"] = Key });
        var client = fixture.Factory.CreateClient();

        foreach (var (method, path) in OperatorRoutes)
        {
            using var missing = await client.SendAsync(new HttpRequestMessage(method, path));
            await AssertProblemAsync(missing, HttpStatusCode.Unauthorized, $"{method} {path}");
            var wrong = new HttpRequestMessage(method, path);
            wrong.Headers.Add("x-functions-key", Key.Replace('0', '1'));
            using var refused = await client.SendAsync(wrong);
            await AssertProblemAsync(refused, HttpStatusCode.Forbidden, $"{method} {path}");
        }

        var right = new HttpRequestMessage(HttpMethod.Get, "/api/models");
        right.Headers.Add("x-functions-key", Key);
        using var listing = await client.SendAsync(right);
        Assert.Equal(HttpStatusCode.OK, listing.StatusCode);

        // A browser cannot send the header: the dashboard, and only it, takes the key as ?code= (a wrong one is refused).
        using (var opened = await client.GetAsync($"/?code={Key}"))
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        using (var wrongCode = await client.GetAsync($"/?code={Key.Replace('0', '1')}"))
            await AssertProblemAsync(wrongCode, HttpStatusCode.Forbidden, "/ with a wrong code");
        foreach (var (method, path) in OperatorRoutes.Where(r => r.Path != "/"))
        {
            using var inQuery = await client.SendAsync(new HttpRequestMessage(method, $"{path}?code={Key}"));
            await AssertProblemAsync(inQuery, HttpStatusCode.Unauthorized, $"{method} {path} with the key in its query");
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/health")).StatusCode);
        using var predict = await client.PostAsync("/api/predict", new ByteArrayContent(TestImages.Png(8, 8, seed: 1)));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, predict.StatusCode);
    }

    [Fact]
    public async Task A_key_too_short_to_be_one_stops_the_host_at_start_up()
    {
        var error = await HostFixture.StartupFailureAsync(new Dictionary<string, string> { ["Operator:Key"] = "secret" });

        var invalid = Assert.IsType<Microsoft.Extensions.Options.OptionsValidationException>(error);
        Assert.Contains("at least 32", invalid.Message);
    }

    [Fact]
    public async Task Attack_without_a_key_a_web_page_of_another_site_or_a_rebound_name_cannot_drive_operator_routes()
    {
        await using var fixture = await HostFixture.CreateAsync();
        var client = fixture.Factory.CreateClient();

        foreach (var (method, path) in OperatorRoutes)
        {
            // A page on another site: the browser names its origin.
            var crossSite = new HttpRequestMessage(method, path);
            crossSite.Headers.Add("Origin", "http://evil.example");
            using var fromPage = await client.SendAsync(crossSite);
            await AssertProblemAsync(fromPage, HttpStatusCode.Forbidden, $"{method} {path} from another origin");
            // DNS rebinding: the page's own name now resolves to loopback, so the browser calls it same-origin.
            var rebound = new HttpRequestMessage(method, path);
            rebound.Headers.Host = "evil.example:7071";
            rebound.Headers.Add("Origin", "http://evil.example:7071");
            using var fromRebound = await client.SendAsync(rebound);
            await AssertProblemAsync(fromRebound, HttpStatusCode.Forbidden, $"{method} {path} to a rebound name");
        }

        // A program on this machine (no Origin), and a page the host serves itself, are answered.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/models")).StatusCode);
        var sameOrigin = new HttpRequestMessage(HttpMethod.Get, "/api/models");
        sameOrigin.Headers.Add("Origin", "http://localhost");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(sameOrigin)).StatusCode);
    }
}
