using System.Diagnostics;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableTask.AzureStorage;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SelfTrain.Core;
using SelfTrain.Storage;
using SelfTrain.Testing;
using SelfTrain.Host.Durable;

namespace SelfTrain.Workflow.Tests;

/// <summary>
/// A generic host running the local Durable Task backend on the test Azurite, the way the local host runs it, with
/// the test orchestrations registered. <see cref="KillAsync"/> ends it the way a killed process ends: its storage
/// requests fail from that moment, nothing is drained, no lease is released.
/// </summary>
public sealed class DurableTestHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly StorageFaults _faults;
    private readonly ActivityGate _gate;

    private readonly LogCapture _logs;

    private DurableTestHost(IHost host, StorageFaults faults, ActivityGate gate, LogCapture logs, TimeSpan startup)
    {
        _host = host;
        _logs = logs;
        _faults = faults;
        _gate = gate;
        Startup = startup;
    }

    public DurableTaskClient Client => _host.Services.GetRequiredService<DurableTaskClient>();

    public TimeSpan Startup { get; }

    /// <summary>Every error the host has logged so far.</summary>
    public IReadOnlyCollection<string> Errors => _logs.Errors;

    /// <summary>The backend options tests use: the production defaults, on the test Azurite.</summary>
    public static LocalDurableTaskOptions Options(string taskHub) =>
        new() { ConnectionString = AzuriteStorage.ConnectionString, TaskHubName = taskHub, DataConverter = new JsonDataConverter(SelfTrainJson.Options) };

    public static async Task<DurableTestHost> StartAsync(LocalDurableTaskOptions options, StorageFaults? faults = null, bool gateOpen = true)
    {
        faults ??= new StorageFaults();
        var gate = new ActivityGate(gateOpen);
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var logs = new LogCapture();
        builder.Logging.AddProvider(logs);
        if (Environment.GetEnvironmentVariable("SELFTRAIN_TEST_LOGS") is { Length: > 0 })
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Information);
        builder.Services.AddSingleton(StorageAccount.FromConnectionString(AzuriteStorage.ConnectionString));
        builder.Services.AddSingleton<ExecutionLog>();
        builder.Services.AddSingleton(gate);
        builder.Services.AddLocalDurableTask(Register, options with { ConfigureStorage = settings => UseFaults(settings, options.ConnectionString, faults) });

        var host = builder.Build();
        var clock = Stopwatch.StartNew();
        await host.StartAsync();
        return new DurableTestHost(host, faults, gate, logs, clock.Elapsed);
    }

    private static void Register(LocalTaskRegistry registry) => registry
        .AddOrchestrator<ShardRoundOrchestrator>()
        .AddActivity<BuildShardActivity>()
        .AddActivity<PublishShardActivity>()
        .AddOrchestrator<SlowStepOrchestrator>()
        .AddActivity<SlowActivity>()
        .AddOrchestrator<GroupsOrchestrator>()
        .AddOrchestrator<GroupOrchestrator>()
        .AddActivity<OneActivity>()
        .AddOrchestrator<CountdownOrchestrator>();

    private static void UseFaults(AzureStorageOrchestrationServiceSettings settings, string connectionString, StorageFaults faults)
    {
        T With<T>(T clientOptions) where T : ClientOptions
        {
            clientOptions.AddPolicy(faults, HttpPipelinePosition.PerCall);
            return clientOptions;
        }
        settings.StorageAccountClientProvider = new StorageAccountClientProvider(
            StorageServiceClientProvider.ForBlob(connectionString, With(new BlobClientOptions())),
            StorageServiceClientProvider.ForQueue(connectionString, With(new QueueClientOptions())),
            StorageServiceClientProvider.ForTable(connectionString, With(new TableClientOptions())));
    }

    /// <summary>Ends the host abruptly: storage cut first, then a stop that is already out of time.</summary>
    public async Task KillAsync()
    {
        _faults.Kill();
        _gate.Dispose();
        try { await _host.StopAsync(new CancellationToken(canceled: true)); }
        catch (Exception ex) when (ex is OperationCanceledException or AggregateException) { }
        _host.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _host.StopAsync(timeout.Token);
        _host.Dispose();
        _gate.Dispose();
    }
}
