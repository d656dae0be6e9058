using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SelfTrain.Core.Telemetry;

namespace SelfTrain.Host;

/// <summary>
/// OpenTelemetry for the local host: the pipeline's spans and metrics (<see cref="SelfTrainTelemetry"/>) and ASP.NET
/// Core's requests, sent by OTLP when an endpoint is configured (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, e.g. a collector
/// or the .NET Aspire dashboard). Without one nothing is exported: the host's log stays its log.
/// </summary>
public static class TelemetryRegistration
{
    public const string ServiceName = "selftrain-host";
    public const string EndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IServiceCollection AddSelfTrainTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otlp = !string.IsNullOrEmpty(configuration[EndpointSetting]);
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(SelfTrainTelemetry.Name).AddAspNetCoreInstrumentation();
                if (otlp) tracing.AddOtlpExporter();
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(SelfTrainTelemetry.Name).AddAspNetCoreInstrumentation();
                if (otlp) metrics.AddOtlpExporter();
            });
        return services;
    }
}
