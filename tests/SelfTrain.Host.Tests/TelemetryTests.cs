using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
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

    [Fact]
    public async Task Predictions_and_labelling_are_traced_and_measured()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        await using var fixture = await HostFixture.CreateAsync(services: services =>
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
        // A batch's span ends after its rows, counters and marks are written: once it is exported, all of them were recorded.
        await Eventually.HoldsAsync(() => Spans("selftrain.label_batch").Sum(s => (int)s.GetTagItem("selftrain.images")!) == 2, TimeSpan.FromSeconds(30),
            "both uploads labelled");
        fixture.Factory.Services.GetRequiredService<MeterProvider>().ForceFlush();

        var predict = Assert.Single(Spans("selftrain.predict"));
        Assert.Equal((Champion, "predicted"), (predict.GetTagItem("selftrain.model"), predict.GetTagItem("selftrain.outcome")));
        // The request's own span (ASP.NET Core's) is the predict span's parent: one trace per request.
        lock (spans) Assert.Contains(spans, s => s.SpanId == predict.ParentSpanId && s.Kind == ActivityKind.Server);

        Assert.Equal(1, Total(metrics, "selftrain.predict.duration", histogram: true, ("selftrain.model", Champion)));
        Assert.Equal(1, Total(metrics, "selftrain.images.labelled", histogram: false, ("selftrain.model", Champion)));
        Assert.Equal(1, Total(metrics, "selftrain.images.rejected", histogram: false, ("selftrain.model", Champion), ("selftrain.reason", "NotAnImage")));
    }

    /// <summary>The last exported total of a counter (or a histogram's count) over the points carrying every one of <paramref name="tags"/>.</summary>
    private static long Total(List<Metric> metrics, string name, bool histogram, params (string Key, string Value)[] tags)
    {
        Metric[] exported;
        lock (metrics) exported = metrics.Where(m => m.Name == name).ToArray();
        Assert.NotEmpty(exported);
        long total = 0;
        foreach (ref readonly var point in exported[^1].GetMetricPoints())
        {
            var matched = 0;
            foreach (var tag in point.Tags) matched += tags.Count(t => t.Key == tag.Key && Equals(t.Value, tag.Value));
            if (matched == tags.Length) total += histogram ? point.GetHistogramCount() : point.GetSumLong();
        }
        return total;
    }
}
