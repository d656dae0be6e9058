using System.Text.Json;
using SelfTrain.Core;

namespace SelfTrain.Demo.Report;

/// <summary>Writes report.json, the plots and report.md into the run's folder; returns report.md's path.</summary>
public static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = SelfTrainJson.Indented;

    public static async Task<string> WriteAsync(DemoReport report, string directory, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(Path.Combine(directory, "report.json"), JsonSerializer.Serialize(report, Json), cancellationToken);
        var plots = ReportPlots.Write(report, directory);
        var markdown = Path.Combine(directory, "report.md");
        await File.WriteAllTextAsync(markdown, ReportMarkdown.Render(report, plots), cancellationToken);
        return markdown;
    }
}
