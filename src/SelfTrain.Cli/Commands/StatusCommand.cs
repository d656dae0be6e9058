using System.CommandLine;
using System.Text.Json;
using SelfTrain.Client;
using Spectre.Console;

namespace SelfTrain.Cli.Commands;

/// <summary><c>selftrain status</c>: which model serves, and the registry's versions and history.</summary>
public static class StatusCommand
{
    public static Command Create(Connection connection, IAnsiConsole console)
    {
        var history = new Option<int>("--history") { Description = "history records to show", DefaultValueFactory = _ => 10 };
        var command = new Command("status", "Show the champion, the host's health and the registry: every version and the latest champion changes.") { history };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var api = connection.Api(parse);
            var health = await api.HealthAsync(cancellationToken);
            console.MarkupLineInterpolated($"host [bold]{api.BaseAddress}[/]: {health.StringOf("status")}, champion [bold green]{health.StringOf("champion") ?? "none yet"}[/]");
            if (health.StringOf("refusedChampion") is { } refused)
                console.MarkupLineInterpolated($"[red]refused champion[/] {refused}: its bytes do not match its manifest");

            var registry = await api.ModelsAsync(parse.GetValue(history), cancellationToken);
            var versions = new Table().AddColumns("version", "created", "teacher", "recipe", "champion");
            foreach (var version in registry.GetProperty("versions").EnumerateArray())
            {
                var lineage = version.TryGetProperty("lineage", out var l) ? l : default;
                versions.AddRow(Markup.Escape(version.StringOf("version") ?? ""), Markup.Escape(version.StringOf("createdAt") ?? ""),
                    Markup.Escape(lineage.StringOf("teacher") ?? ""),
                    Markup.Escape(lineage.StringOf("recipe") ?? ""),
                    version.GetProperty("isChampion").GetBoolean() ? "[green]serving[/]" : "");
            }
            console.Write(versions);
            foreach (var entry in registry.GetProperty("history").EnumerateArray())
            {
                console.MarkupLineInterpolated($"{entry.StringOf("at")}  {entry.StringOf("kind")} [bold]{entry.StringOf("version")}[/] (before: {entry.StringOf("previous") ?? "none"})");
                if (entry.TryGetProperty("reasons", out var reasons))
                    foreach (var reason in reasons.EnumerateArray()) console.MarkupLineInterpolated($"    {reason.GetString()}");
            }
            return 0;
        });
        return command;
    }
}
