using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SelfTrain.Storage;
using SelfTrain.Testing;
using SelfTrain.Workflow.Round.Steps;
using Azure.Core.Pipeline;

namespace SelfTrain.Host.Tests;

/// <summary>The local host in-process, on an isolated Azurite scope, polling fast so tests need not wait.</summary>
internal sealed class HostFixture : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly Action<IServiceCollection>? _services;
    private readonly bool _kestrel;

    private HostFixture(StorageTestScope scope, IReadOnlyDictionary<string, string> settings, Action<IServiceCollection>? services, bool kestrel)
    {
        Scope = scope;
        _settings = settings;
        _services = services;
        _kestrel = kestrel;
        Factory = Start();
    }

    /// <summary>Stops the host and starts a new one on the same storage and task hub, as a restarted process would.</summary>
    public async Task RestartAsync()
    {
        await Factory.DisposeAsync();
        Factory = Start();
    }

    private WebApplicationFactory<Program> Start()
    {
        var settings = Settings(Scope.Layout, _settings);
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            foreach (var (key, value) in settings) host.UseSetting(key, value);
            // In memory the host has no address to call itself on: its embeddings route is reached through the test server.
            if (!_kestrel)
                host.ConfigureTestServices(services => services.AddSingleton(provider => new EmbeddingsEndpoint(() => EmbeddingsClientFactory.ForOwnHost(
                    new Uri("http://localhost/api/inference"), new HttpClientTransport(new HttpClient(((TestServer)provider.GetRequiredService<IServer>()).CreateHandler()))))));
            if (_services is { } services) host.ConfigureTestServices(services);
        });
        if (!_kestrel) return factory;
        // A real socket on loopback, for a browser; a free port, so runs do not collide.
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        return factory;
    }

    /// <summary>The test scope's storage and fast polling, then the test's own settings, which win.</summary>
    private static IEnumerable<KeyValuePair<string, string>> Settings(StorageLayout layout, IReadOnlyDictionary<string, string> overrides) =>
        new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = AzuriteStorage.ConnectionString,
            ["Storage:Prefix"] = layout.Prefix,
            ["Storage:LabelPartitions"] = layout.LabelPartitions.ToString(),
            ["Serving:ChampionPollInterval"] = "00:00:00.200",
            ["Serving:IncomingPollInterval"] = "00:00:00.200",
            ["Serving:IncomingIdlePollInterval"] = "00:00:00.200",
            ["Inference:IntraOpThreads"] = "1",
            // Tests that look at telemetry start it with an exporter of their own; the others keep the console quiet.
            ["Telemetry:Exporter"] = "None",
        }.Concat(overrides);

    /// <summary>
    /// Runs the host's own entry point with these settings, as <c>dotnet SelfTrain.Host.dll</c> does, and returns what stopped it.
    /// WebApplicationFactory is no use here: its deferred host races the entry point's disposal and may report a failed start
    /// as an ObjectDisposedException.
    /// </summary>
    public static async Task<Exception> StartupFailureAsync(IReadOnlyDictionary<string, string> settings)
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var args = Settings(scope.Layout, settings).Select(setting => $"--{setting.Key}={setting.Value}").ToArray();
        var entryPoint = typeof(Program).Assembly.EntryPoint!;
        var run = Task.Run(() => entryPoint.Invoke(null, [args]));
        var ended = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.True(ended == run, "the host started and served although its settings are invalid");
        var error = await Assert.ThrowsAsync<TargetInvocationException>(() => run);
        return error.InnerException!;
    }

    /// <summary>Where a browser reaches the host; only with <c>kestrel: true</c>.</summary>
    public string Url => Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    public StorageTestScope Scope { get; }
    public WebApplicationFactory<Program> Factory { get; private set; }
    public ModelStore Models => Factory.Services.GetRequiredService<ModelStore>();
    public ModelRegistry Registry => Factory.Services.GetRequiredService<ModelRegistry>();
    public LabelStore Labels => Factory.Services.GetRequiredService<LabelStore>();

    /// <param name="services">Replaces services after the host's own registrations.</param>
    /// <param name="kestrel">Serve on a loopback port (<see cref="Url"/>) rather than in memory only.</param>
    public static async Task<HostFixture> CreateAsync(IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null,
        bool kestrel = false) =>
        new(await AzuriteStorage.CreateScopeAsync(), settings ?? new Dictionary<string, string>(), services, kestrel);

    public async Task WaitForChampionAsync(HttpClient client, string version)
    {
        var health = "";
        await Eventually.HoldsAsync(async () => (health = await client.GetStringAsync("/api/health")).Contains($"\"champion\":\"{version}\""),
            TimeSpan.FromSeconds(10), $"champion {version} served", () => health);
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Scope.DisposeAsync();
    }
}
