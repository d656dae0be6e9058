namespace SelfTrain.Host;

/// <summary>Where the local host sends its telemetry (<c>Telemetry:Exporter</c>).</summary>
public enum TelemetryExporter
{
    /// <summary>By OTLP to <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>: a collector, Jaeger, or the .NET Aspire dashboard.</summary>
    Otlp,

    /// <summary>To standard output (the host's log): every span as it ends, the metrics once a minute.</summary>
    Console,

    /// <summary>The SDK is not started: spans nobody reads are work for nothing (benchmarks measure without it).</summary>
    None,
}
