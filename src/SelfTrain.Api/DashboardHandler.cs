using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using SelfTrain.Core;
using SelfTrain.Inference;
using SelfTrain.Serving;
using SelfTrain.Storage;
using SelfTrain.Workflow.Round;
using SelfTrain.Workflow.Round.Report;
using SelfTrain.Workflow.Round.Steps;

namespace SelfTrain.Api;

/// <summary>
/// <c>GET /</c>, the front page of both hosts: one server-rendered page of what serves, what it
/// labels and what the rounds decided, for operators. Everything on it is read per request and bounded: the last
/// <see cref="HistoryShown"/> champion changes, the newest <see cref="RoundsShown"/> round reports of at most
/// <see cref="MaxRunBlobsScanned"/> listed, and the plots of the latest round with a readable report inlined, so the page makes no further
/// request and needs no credential in any URL.
/// </summary>
public sealed class DashboardHandler(StorageAccount storage, StorageLayout layout, ModelStore models, ModelRegistry registry,
    ServedModel served, LabelStream labels, LabelCensusCache census, TimeProvider clock)
{
    public const string Route = "/";
    public const int HistoryShown = 20;
    public const int RoundsShown = 10;
    public const int MaxRunBlobsScanned = 20_000;
    public const int MaxPlotBytes = 2 * 1024 * 1024;
    public const int MaxReportBytes = 1024 * 1024;
    public const int MaxInstancePages = 10;

    // No script at all; styles inline; images only as data: URIs; never framed; no referrer (a key in the URL stays put).
    private const string ContentSecurityPolicy =
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public async Task<IResult> HandleAsync(HttpRequest request, DurableTaskClient client)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var champion = models.GetChampionAsync(cancellationToken);
        var history = registry.HistoryAsync(HistoryShown, cancellationToken);
        var running = RunningAsync(client, cancellationToken);
        var finished = FinishedAsync(cancellationToken);
        var counted = census.GetAsync(cancellationToken);
        await Task.WhenAll(champion, history, running, finished, counted);
        var plots = finished.Result.FirstOrDefault(r => r.Result is not null) is { } latest ? await PlotsAsync(latest.Id, cancellationToken) : [];
        var data = new DashboardData(clock.GetUtcNow(), champion.Result?.Pointer, served.Version, history.Result, labels.Snapshot(), counted.Result,
            running.Result, finished.Result, plots);

        var headers = request.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        return Results.Content(DashboardPage.Render(data), "text/html; charset=utf-8");
    }

    private static async Task<IReadOnlyList<RunningRound>> RunningAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        var query = new OrchestrationQuery
        {
            Statuses = [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended],
            PageSize = 100,
        };
        // A round's shard groups are running instances too, so a page may hold few rounds: read on, up to a bound.
        var rounds = new List<RunningRound>();
        var pages = 0;
        await foreach (var page in client.GetAllInstancesAsync(query).AsPages().WithCancellation(cancellationToken))
        {
            rounds.AddRange(page.Values.Where(i => i.Name == nameof(SelfTrainingRound)).Select(i =>
                new RunningRound(i.InstanceId, i.RuntimeStatus.ToString(), i.CreatedAt, ReadStatus(i.SerializedCustomStatus))));
            if (rounds.Count >= RoundsShown || ++pages >= MaxInstancePages) break;
        }
        return [.. rounds.OrderByDescending(r => r.Created).Take(RoundsShown)];
    }

    private static RoundStatus? ReadStatus(string? json)
    {
        try
        {
            return string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<RoundStatus>(json, SelfTrainJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<IReadOnlyList<FinishedRound>> FinishedAsync(CancellationToken cancellationToken)
    {
        var runs = storage.Blobs.GetBlobContainerClient(layout.Runs);
        var newest = new List<(string Id, DateTimeOffset Written, ETag? ETag)>();
        var scanned = 0;
        try
        {
            await foreach (var blob in runs.GetBlobsAsync(BlobTraits.None, BlobStates.None, null, cancellationToken))
            {
                if (++scanned > MaxRunBlobsScanned) break;
                if (!blob.Name.EndsWith("/" + RoundReportWriter.ReportBlob, StringComparison.Ordinal)) continue;
                newest.Add((blob.Name[..^(RoundReportWriter.ReportBlob.Length + 1)], blob.Properties.LastModified ?? DateTimeOffset.MinValue, blob.Properties.ETag));
                if (newest.Count > RoundsShown * 4)
                    newest = [.. newest.OrderByDescending(r => r.Written).Take(RoundsShown)];
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return []; // no round has reported yet
        }

        var shown = newest.OrderByDescending(r => r.Written).Take(RoundsShown).ToArray();
        return await Task.WhenAll(shown.Select(async round =>
        {
            var content = await DownloadAsync(runs.GetBlobClient(RoundReportWriter.ReportPath(round.Id)), round.ETag, MaxReportBytes, cancellationToken);
            try
            {
                return new FinishedRound(round.Id, round.Written, content?.ToObjectFromJson<RoundResult>(SelfTrainJson.Options));
            }
            catch (JsonException)
            {
                return new FinishedRound(round.Id, round.Written, null);
            }
        }));
    }

    private async Task<IReadOnlyList<RoundPlot>> PlotsAsync(string roundId, CancellationToken cancellationToken)
    {
        var runs = storage.Blobs.GetBlobContainerClient(layout.Runs);
        var found = new List<(string Name, BlobItem Blob)>();
        try
        {
            await foreach (var blob in runs.GetBlobsAsync(BlobTraits.None, BlobStates.None, roundId + "/", cancellationToken))
                if (blob.Name[(roundId.Length + 1)..] is var name && RoundPlots.Names.Contains(name))
                    found.Add((name, blob));
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return [];
        }
        var plots = await Task.WhenAll(found.Select(async plot =>
            await DownloadAsync(runs.GetBlobClient(plot.Blob.Name), plot.Blob.Properties.ETag, MaxPlotBytes, cancellationToken) is { } png
                ? new RoundPlot(plot.Name, png.ToArray())
                : null));
        return [.. RoundPlots.Names.Select(name => plots.FirstOrDefault(p => p?.Name == name)).OfType<RoundPlot>()];
    }

    /// <summary>
    /// The blob as it was listed, if it is at most <paramref name="maxBytes"/>; null when it is larger, was deleted or
    /// replaced since (the page shows what it can rather than failing).
    /// </summary>
    private static async Task<BinaryData?> DownloadAsync(BlobClient blob, ETag? listed, long maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            var content = await blob.DownloadContentAsync(new BlobDownloadOptions
            {
                Conditions = listed is { } etag ? new BlobRequestConditions { IfMatch = etag } : null,
                Range = new HttpRange(0, maxBytes + 1),
            }, cancellationToken);
            return content.Value.Content.ToMemory().Length > maxBytes ? null : content.Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412 or 416)
        {
            return null;
        }
    }
}
