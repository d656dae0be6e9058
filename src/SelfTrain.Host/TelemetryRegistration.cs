using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SelfTrain.Core.Telemetry;

namespace SelfTrain.Host;

/// <summary>
/// OpenTelemetry for the local host: the pipeline's spans and metrics (<see cref="SelfTrainTelemetry"/>) and ASP.NET
/// Core's requests, sent by OTLP when an endpoint is configured (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, e.g. a collector
/// or the .NET Aspire dashboard). Without one the SDK is not started at all, unless <c>Telemetry:Enabled</c> asks for
/// it (an exporter added in code, as the tests add theirs): spans nobody exports are work for nothing (about 0.02 ms a
/// prediction, by <c>bench.sh predict</c>). The dashboard's label stream reads the counters itself and needs neither.
/// </summary>
public static class TelemetryRegistration
{
    public const string ServiceName = "selftrain-host";
    public const string EndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string EnabledSetting = "Telemetry:Enabled";

    public static IServiceCollection AddSelfTrainTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otlp = !string.IsNullOrEmpty(configuration[EndpointSetting]);
        if (!otlp && !configuration.GetValue<bool>(EnabledSetting)) return services;
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
