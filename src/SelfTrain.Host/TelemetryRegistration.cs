using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SelfTrain.Core.Telemetry;

namespace SelfTrain.Host;

/// <summary>
/// OpenTelemetry for the local host: the pipeline's spans and metrics (<see cref="SelfTrainTelemetry"/>) and ASP.NET
/// Core's requests. <c>Telemetry:Exporter</c> picks where they go (<see cref="TelemetryExporter"/>); unset, they go
/// by OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> names an endpoint and to the console otherwise. <c>None</c> starts
/// no SDK at all (about 0.02 ms a prediction saved, by <c>bench.sh predict</c>); the dashboard's label stream reads
/// the counters itself and needs none of it.
/// </summary>
public static class TelemetryRegistration
{
    public const string ServiceName = "selftrain-host";
    public const string EndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ExporterSetting = "Telemetry:Exporter";

    public static TelemetryExporter ExporterOf(IConfiguration configuration)
    {
        if (configuration[ExporterSetting] is not { Length: > 0 } named)
            return string.IsNullOrEmpty(configuration[EndpointSetting]) ? TelemetryExporter.Console : TelemetryExporter.Otlp;
        if (!Enum.TryParse<TelemetryExporter>(named, ignoreCase: true, out var exporter) || !Enum.IsDefined(exporter))
            throw new InvalidOperationException($"{ExporterSetting} is '{named}'; it must be one of {string.Join(", ", Enum.GetNames<TelemetryExporter>())}.");
        if (exporter == TelemetryExporter.Otlp && string.IsNullOrEmpty(configuration[EndpointSetting]))
            throw new InvalidOperationException($"{ExporterSetting} is Otlp but {EndpointSetting} names no endpoint.");
        return exporter;
    }

    public static IServiceCollection AddSelfTrainTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var exporter = ExporterOf(configuration);
        if (exporter == TelemetryExporter.None) return services;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(SelfTrainTelemetry.Name).AddAspNetCoreInstrumentation();
                if (exporter == TelemetryExporter.Otlp) tracing.AddOtlpExporter();
                else tracing.AddConsoleExporter();
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(SelfTrainTelemetry.Name).AddAspNetCoreInstrumentation();
                if (exporter == TelemetryExporter.Otlp) metrics.AddOtlpExporter();
                else metrics.AddConsoleExporter();
            });
        return services;
    }
}
