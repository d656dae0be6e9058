using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SelfTrain.Core.Data;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

/// <summary>
/// The host's OpenTelemetry, collected in process: the pipeline's spans and metrics with their names and attributes.
/// The source and meter are process-wide, so other tests' hosts record into them too: this one's champion has a
/// version of its own, and every assertion is about it.
/// </summary>
public sealed class TelemetryTests
{
    private const string Champion = "telemetry-champion";
    private static readonly IReadOnlyList<string> Classes = new LinearTestModel(Champion).Manifest.Classes;

    [Fact]
    public async Task Predictions_and_labelling_are_traced_and_measured()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        await using var fixture = await HostFixture.CreateAsync(new Dictionary<string, string> { ["Telemetry:Exporter"] = "Console" }, services: services =>
        {
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
            services.ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(metrics));
        });
        await fixture.Models.RegisterChampionAsync(new LinearTestModel(Champion));
        var client = fixture.Factory.CreateClient();
        await fixture.WaitForChampionAsync(client, Champion);

        using var predicted = await client.PostAsync("/api/predict", new ByteArrayContent(TestImages.Png(8, 8, seed: 1)));
        Assert.True(predicted.IsSuccessStatusCode, await predicted.Content.ReadAsStringAsync());
        var incoming = fixture.Scope.Account.Blobs.GetBlobContainerClient(fixture.Scope.Layout.Incoming);
        await incoming.CreateIfNotExistsAsync();
        await incoming.GetBlobClient("good.png").UploadAsync(BinaryData.FromBytes(TestImages.Png(8, 8, seed: 2)));
        await incoming.GetBlobClient("notes.png").UploadAsync(BinaryData.FromBytes(TestImages.NotAnImage()));
        Activity[] Spans(string name)
        {
            lock (spans) return spans.Where(s => s.DisplayName == name && (string?)s.GetTagItem("selftrain.model") == Champion).ToArray();
        }
        // A batch's write span ends after its rows, counters and marks are written: once it is exported, all of them were recorded.
        await Eventually.HoldsAsync(() => Spans("selftrain.write_labels").Sum(s => (int)s.GetTagItem("selftrain.images")!) == 2, TimeSpan.FromSeconds(30),
            "both uploads labelled");
        Assert.Equal(2, Spans("selftrain.label_batch").Sum(s => (int)s.GetTagItem("selftrain.images")!)); // classified first
        fixture.Factory.Services.GetRequiredService<MeterProvider>().ForceFlush();

        var predict = Assert.Single(Spans("selftrain.predict"));
        Assert.Equal((Champion, "predicted"), (predict.GetTagItem("selftrain.model"), predict.GetTagItem("selftrain.outcome")));
        // The request's own span (ASP.NET Core's) is the predict span's parent: one trace per request.
        lock (spans) Assert.Contains(spans, s => s.SpanId == predict.ParentSpanId && s.Kind == ActivityKind.Server);

        Assert.Equal(1, Total(metrics, "selftrain.predict.duration", Kind.HistogramCount, ("selftrain.model", Champion)));
        Assert.Equal(1, Total(metrics, "selftrain.images.labelled", Kind.Sum, ("selftrain.model", Champion)));
        Assert.Equal(1, Total(metrics, "selftrain.images.rejected", Kind.Sum, ("selftrain.model", Champion), ("selftrain.reason", "NotAnImage")));
        // The labelled image is counted under the class the champion gave it, one of the model's own.
        var labelled = Assert.Single(Points(metrics, "selftrain.images.labelled", Kind.Sum), p => Equals(p.Tags.GetValueOrDefault("selftrain.model"), Champion));
        Assert.Contains((string)labelled.Tags["selftrain.class"]!, Classes);
        // The champion gauge: 1 for the version this host serves.
        Assert.Equal(1, Total(metrics, "selftrain.champion", Kind.Gauge, ("selftrain.model", Champion)));
    }

    [Fact]
    public async Task A_round_traces_each_step_and_measures_its_phases_and_the_pseudo_labels_it_accepted()
    {
        const string Teacher = "telemetry-round-teacher";
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        await using var fixture = await HostFixture.CreateAsync(new Dictionary<string, string> { ["Telemetry:Exporter"] = "Console" }, services: services =>
        {
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
            services.ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(metrics));
        });
        var client = fixture.Factory.CreateClient();
        await RoundScenario.SeedAsync(fixture, client, champion: Teacher);

        // One short epoch: the gate rejects the candidate, so the round ends without a promotion.
        var result = await RoundScenario.CompleteRoundAsync(fixture, client, new { epochs = 1, batchSize = 4096, trainingTimeout = "00:05:00" });
        var candidate = result.GetProperty("candidate").GetString()!;
        fixture.Factory.Services.GetRequiredService<MeterProvider>().ForceFlush();

        // Every step's span names what it worked on: this round (selftrain.round), its teacher or its candidate.
        // The candidate is student-{instance}-r1a1, from round {instance}-r1's first attempt.
        var roundId = candidate["student-".Length..candidate.LastIndexOf('a')];
        HashSet<string> steps;
        lock (spans)
            steps = spans.Where(s => s.DisplayName.StartsWith("selftrain.round.", StringComparison.Ordinal)
                    && ((string?)s.GetTagItem("selftrain.model") is Teacher || Equals(s.GetTagItem("selftrain.model"), candidate)
                        || Equals(s.GetTagItem("selftrain.round"), roundId)))
                .Select(s => s.DisplayName["selftrain.round.".Length..]).ToHashSet();
        Assert.Equal(["calibrate", "gold_shard", "plan", "report", "shard", "submit", "validate", "verify"], steps.Order(StringComparer.Ordinal));

        // The report step records the round's phase durations and its accepted pseudo-labels per class, tagged with the teacher.
        var phases = result.GetProperty("phaseSeconds").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.NotEmpty(phases);
        var recorded = Points(metrics, "selftrain.round.phase.duration", Kind.HistogramCount)
            .Where(p => Equals(p.Tags.GetValueOrDefault("selftrain.model"), Teacher)).ToArray();
        Assert.Equal(phases.Order(StringComparer.Ordinal), recorded.Select(p => (string)p.Tags["selftrain.phase"]!).Order(StringComparer.Ordinal));
        Assert.All(recorded, p => Assert.Equal(1, p.Value));
        var perClass = result.GetProperty("pool").GetProperty("perClass").EnumerateArray().Select(c => c.GetInt64()).ToArray();
        Assert.True(perClass.Sum() > 0, result.ToString());
        for (var c = 0; c < FashionMnist.ClassNames.Count; c++)
            if (perClass[c] > 0)
                Assert.Equal(perClass[c], Total(metrics, "selftrain.pseudo_labels.accepted", Kind.Sum, ("selftrain.model", Teacher), ("selftrain.class", FashionMnist.ClassNames[c])));
    }

    [Fact]
    public async Task With_the_exporter_set_to_none_no_spans_are_made_for_nobody()
    {
        await using var fixture = await HostFixture.CreateAsync(new Dictionary<string, string> { ["Telemetry:Exporter"] = "None" });

        Assert.Null(fixture.Factory.Services.GetService<TracerProvider>());
        Assert.Null(fixture.Factory.Services.GetService<MeterProvider>());
    }

    [Theory]
    [InlineData(null, null, TelemetryExporter.Console)]
    [InlineData(null, "http://127.0.0.1:4317", TelemetryExporter.Otlp)]
    [InlineData("console", "http://127.0.0.1:4317", TelemetryExporter.Console)]
    [InlineData("None", null, TelemetryExporter.None)]
    public void Unset_the_exporter_is_OTLP_when_an_endpoint_is_named_and_the_console_otherwise(string? exporter, string? endpoint, TelemetryExporter expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [TelemetryRegistration.ExporterSetting] = exporter, [TelemetryRegistration.EndpointSetting] = endpoint,
        }).Build();

        Assert.Equal(expected, TelemetryRegistration.ExporterOf(configuration));
    }

    [Theory]
    [InlineData("Zipkin", "Telemetry:Exporter is 'Zipkin'; it must be one of Otlp, Console, None.")]
    [InlineData("Otlp", "Telemetry:Exporter is Otlp but OTEL_EXPORTER_OTLP_ENDPOINT names no endpoint.")]
    public async Task An_exporter_that_cannot_work_stops_the_host_at_start_up(string exporter, string message)
    {
        var failure = await HostFixture.StartupFailureAsync(new Dictionary<string, string>
        {
            ["Telemetry:Exporter"] = exporter, ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "",
        });

        Assert.Equal(message, Assert.IsType<InvalidOperationException>(failure).Message);
    }

    private enum Kind { Sum, HistogramCount, Gauge }

    /// <summary>The last exported total of a metric (a counter's sum, a histogram's count, a gauge's value) over the points carrying every one of <paramref name="tags"/>.</summary>
    private static long Total(List<Metric> metrics, string name, Kind kind, params (string Key, string Value)[] tags) =>
        Points(metrics, name, kind).Where(p => tags.All(t => Equals(p.Tags.GetValueOrDefault(t.Key), t.Value))).Sum(p => p.Value);

    private static List<(Dictionary<string, object?> Tags, long Value)> Points(List<Metric> metrics, string name, Kind kind)
    {
        Metric[] exported;
        lock (metrics) exported = metrics.Where(m => m.Name == name).ToArray();
        Assert.NotEmpty(exported);
        var points = new List<(Dictionary<string, object?>, long)>();
        foreach (ref readonly var point in exported[^1].GetMetricPoints())
        {
            var tags = new Dictionary<string, object?>();
            foreach (var tag in point.Tags) tags[tag.Key] = tag.Value;
            points.Add((tags, kind switch
            {
                Kind.HistogramCount => point.GetHistogramCount(),
                Kind.Gauge => point.GetGaugeLastValueLong(),
                _ => point.GetSumLong(),
            }));
        }
        return points;
    }
}
