using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SelfTrain.Core.Telemetry;

namespace SelfTrain.Trainer.Jobs;

/// <summary>
/// Exports the trainer's spans (<c>selftrain.training_job</c>, in the round's trace) and metrics
/// (<c>selftrain.training.throughput</c>): to Application Insights with the job's managed identity when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (the Azure deployment), by OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is (a local collector); with neither, nothing is exported and the log is the record.
/// </summary>
public sealed class TrainerTelemetry : IDisposable
{
    public const string ServiceName = "selftrain-trainer";
    public const string OtlpSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ApplicationInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    private readonly TracerProvider _traces;
    private readonly MeterProvider _metrics;

    private TrainerTelemetry(IConfiguration configuration)
    {
        var otlp = !string.IsNullOrEmpty(configuration[OtlpSetting]);
        Action<AzureMonitorExporterOptions>? azureMonitor = null;
        if (configuration[ApplicationInsightsSetting] is { Length: > 0 } connectionString)
        {
            // Local auth is off: the job's user-assigned identity (AZURE_CLIENT_ID) holds Monitoring Metrics Publisher.
            var identity = new ManagedIdentityCredential(configuration["AZURE_CLIENT_ID"] is { Length: > 0 } clientId
                ? ManagedIdentityId.FromUserAssignedClientId(clientId)
                : ManagedIdentityId.SystemAssigned);
            azureMonitor = options =>
            {
                options.ConnectionString = connectionString;
                options.Credential = identity;
            };
        }

        var traces = Sdk.CreateTracerProviderBuilder().ConfigureResource(r => r.AddService(ServiceName)).AddSource(SelfTrainTelemetry.Name);
        var metrics = Sdk.CreateMeterProviderBuilder().ConfigureResource(r => r.AddService(ServiceName)).AddMeter(SelfTrainTelemetry.Name);
        if (otlp)
        {
            traces.AddOtlpExporter();
            metrics.AddOtlpExporter();
        }
        if (azureMonitor is not null)
        {
            traces.AddAzureMonitorTraceExporter(azureMonitor);
            metrics.AddAzureMonitorMetricExporter(azureMonitor);
        }
        _traces = traces.Build();
        _metrics = metrics.Build();
    }

    /// <returns>The exporters, flushed when disposed; null when no destination is configured.</returns>
    public static TrainerTelemetry? Start(IConfiguration configuration) =>
        string.IsNullOrEmpty(configuration[OtlpSetting]) && string.IsNullOrEmpty(configuration[ApplicationInsightsSetting])
            ? null
            : new TrainerTelemetry(configuration);

    public void Dispose()
    {
        _traces.Dispose();
        _metrics.Dispose();
    }
}
