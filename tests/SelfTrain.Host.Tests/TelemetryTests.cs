using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

/// <summary>The host's OpenTelemetry, collected in process: the pipeline's spans and metrics with their names and attributes.</summary>
public sealed class TelemetryTests
{
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
        await fixture.Models.RegisterChampionAsync(new LinearTestModel("champion-a"));
        var client = fixture.Factory.CreateClient();
        await fixture.WaitForChampionAsync(client, "champion-a");

        using var predicted = await client.PostAsync("/api/predict", new ByteArrayContent(TestImages.Png(8, 8, seed: 1)));
        Assert.True(predicted.IsSuccessStatusCode, await predicted.Content.ReadAsStringAsync());
        var incoming = fixture.Scope.Account.Blobs.GetBlobContainerClient(fixture.Scope.Layout.Incoming);
        await incoming.CreateIfNotExistsAsync();
        await incoming.GetBlobClient("good.png").UploadAsync(BinaryData.FromBytes(TestImages.Png(8, 8, seed: 2)));
        await incoming.GetBlobClient("notes.png").UploadAsync(BinaryData.FromBytes(TestImages.NotAnImage()));
        await Eventually.HoldsAsync(async () => await fixture.Labels.ReadAllAsync().CountAsync() == 2, TimeSpan.FromSeconds(30), "both uploads have rows");
        fixture.Factory.Services.GetRequiredService<TracerProvider>().ForceFlush();
        fixture.Factory.Services.GetRequiredService<MeterProvider>().ForceFlush();

        Activity[] Spans(string name) { lock (spans) return spans.Where(s => s.DisplayName == name).ToArray(); }
        var predict = Assert.Single(Spans("selftrain.predict"));
        Assert.Equal(("champion-a", "predicted"), (predict.GetTagItem("selftrain.model"), predict.GetTagItem("selftrain.outcome")));
        Assert.Contains(Spans("selftrain.label_batch"), s => (string?)s.GetTagItem("selftrain.model") == "champion-a");
        // The request's own span (ASP.NET Core's) is the predict span's parent: one trace per request.
        Assert.Contains(spans, s => s.SpanId == predict.ParentSpanId && s.Kind == ActivityKind.Server);

        Assert.Equal(1, Sum(metrics, "selftrain.predict.duration", "selftrain.model", "champion-a", histogramCount: true));
        Assert.Equal(1, Sum(metrics, "selftrain.images.labelled", "selftrain.model", "champion-a"));
        Assert.Equal(1, Sum(metrics, "selftrain.images.rejected", "selftrain.reason", "NotAnImage"));
    }

    /// <summary>The last exported value of a counter (or a histogram's count) over the points tagged <paramref name="key"/> = <paramref name="value"/>.</summary>
    private static long Sum(List<Metric> metrics, string name, string key, string value, bool histogramCount = false)
    {
        Metric[] exported;
        lock (metrics) exported = metrics.Where(m => m.Name == name).ToArray();
        Assert.NotEmpty(exported);
        long total = 0;
        foreach (ref readonly var point in exported[^1].GetMetricPoints())
        {
            var tagged = false;
            foreach (var tag in point.Tags) tagged |= tag.Key == key && Equals(tag.Value, value);
            if (tagged) total += histogramCount ? point.GetHistogramCount() : point.GetSumLong();
        }
        return total;
    }
}
