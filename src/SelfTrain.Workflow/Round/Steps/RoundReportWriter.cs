using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Azure.Storage.Blobs.Models;
using SelfTrain.Core;
using SelfTrain.Core.Telemetry;
using SelfTrain.Storage;
using SelfTrain.Workflow.Round.Report;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>
/// Report: once per finished round, records its figures as metrics (phase times, pseudo-labels per class), a
/// candidate that was kept out in the registry's history, and writes <c>runs/{round}/round-report.json</c> with
/// <c>report.md</c> and the round's plots beside it, for the dashboard and for anyone reading the container. Idempotent, so the activity
/// may be retried.
/// </summary>
public sealed partial class RoundReportWriter(StorageAccount storage, StorageLayout layout, ModelRegistry registry, ILogger<RoundReportWriter> logger)
{
    public const string ReportBlob = "round-report.json";

    public static string ReportPath(string roundId) => $"{roundId}/{ReportBlob}";

    public async Task WriteAsync(RoundReportRequest request, CancellationToken cancellationToken = default)
    {
        using var span = SelfTrainTelemetry.StartRoundStep("report", request.RoundId, request.Candidate);
        var result = request.Result;
        var classes = RoundPlots.ClassNames(result);
        var teacher = new KeyValuePair<string, object?>(SelfTrainTelemetry.ModelTag, result.Teacher);
        foreach (var (phase, seconds) in result.PhaseSeconds)
            SelfTrainTelemetry.RoundPhaseDuration.Record(seconds, teacher, new KeyValuePair<string, object?>(SelfTrainTelemetry.PhaseTag, phase));
        if (result.Pool is { } pool)
            for (var c = 0; c < pool.PerClass.Count && c < classes.Count; c++)
                SelfTrainTelemetry.PseudoLabelsAccepted.Add(pool.PerClass[c], teacher, new KeyValuePair<string, object?>(SelfTrainTelemetry.ClassTag, classes[c]));

        var container = storage.Blobs.GetBlobContainerClient(layout.Runs);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        // The plots and report.md first: a reader that finds the JSON report finds its pictures too. The round has decided
        // (and may have promoted) by now, so pictures that cannot be drawn cost the pictures, not the round.
        IReadOnlyList<(string Name, byte[] Png)> plots = [];
        try
        {
            plots = RoundPlots.Draw(result);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPlotsFailed(ex, request.RoundId);
        }
        foreach (var (name, png) in plots)
            await UploadAsync(container, request.RoundId, name, BinaryData.FromBytes(png), "image/png", cancellationToken);
        await UploadAsync(container, request.RoundId, RoundMarkdown.File,
            BinaryData.FromString(RoundMarkdown.Render(request.RoundId, result, plots.Select(p => p.Name))), "text/markdown; charset=utf-8", cancellationToken);
        await UploadAsync(container, request.RoundId, ReportBlob, BinaryData.FromObjectAsJson(result, SelfTrainJson.Indented), "application/json",
            cancellationToken);
        // Last: the history is written once per event, so nothing before it may fail a retry into a second record.
        if (!result.Promoted)
            await registry.RecordRejectionAsync(request.Candidate, result.Reasons, ChampionPromoter.Metrics(result.Validation), cancellationToken);
    }

    [LoggerMessage(LogLevel.Warning, "Round {RoundId}: its plots could not be drawn; the report is written without them")]
    private partial void LogPlotsFailed(Exception error, string roundId);

    private static Task UploadAsync(BlobContainerClient container, string roundId, string name, BinaryData content, string contentType,
        CancellationToken cancellationToken) =>
        container.GetBlobClient($"{roundId}/{name}").UploadAsync(content,
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, cancellationToken);
}
