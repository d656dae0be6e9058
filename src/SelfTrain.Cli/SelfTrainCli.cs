using System.CommandLine;
using Azure;
using SelfTrain.Cli.Commands;
using SelfTrain.Client;
using Spectre.Console;

namespace SelfTrain.Cli;

/// <summary>
/// The command line. Exit codes: 0 done (a round: completed and promoted), 1 refused or failed with the reasons
/// printed (a local check, the host, storage, a failed round), 2 a usage error, 3 a round that completed but kept the
/// champion.
/// </summary>
public static class SelfTrainCli
{
    public const int Failed = 1, UsageError = 2, ChampionKept = 3;

    public static RootCommand Create(IAnsiConsole console)
    {
        var connection = new Connection();
        var root = new RootCommand("selftrain: run SelfTrain on your own model and images — register models, upload gold data and production images, " +
            "run and follow self-training rounds, promote and roll back.")
        {
            StatusCommand.Create(connection, console),
            ModelCommand.Create(connection, console),
            GoldCommand.Create(connection, console),
            ImagesCommand.Create(connection, console),
            RoundCommand.Create(connection, console),
        };
        foreach (var option in connection.All) root.Options.Add(option);
        return root;
    }

    public static async Task<int> RunAsync(string[] args, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        // Written to a file or a pipe, a line is as long as it needs to be rather than wrapped at 80 columns.
        if (Console.IsOutputRedirected) console.Profile.Width = 1000;
        var parse = Create(console).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors) console.MarkupLineInterpolated($"[red]{problem.Message}[/]");
            console.WriteLine("Run 'selftrain --help' for usage.");
            return UsageError;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (CheckFailedException ex)
        {
            return Report(console, ex.What, ex.Problems);
        }
        catch (SelfTrainApiException ex)
        {
            return Report(console, ex.Message, ex.Problems);
        }
        catch (HttpRequestException ex) when (ex.StatusCode is null)
        {
            return Report(console, $"cannot reach the host: {ex.Message}", ["is it running? (./scripts/serve.sh starts it; --host or $SELFTRAIN_HOST names another)"]);
        }
        catch (RequestFailedException ex)
        {
            return Report(console, $"storage refused the request: {ex.Status} {ex.ErrorCode}", [ex.Message.Split("\n")[0]]);
        }
        catch (AggregateException ex) when (ex.InnerException is RequestFailedException storage)
        {
            return Report(console, $"cannot reach storage: {storage.Message.Split('\n')[0]}",
                ["is Azurite running? (./scripts/serve.sh starts it; --storage or $SELFTRAIN_STORAGE names another account)"]);
        }
        catch (TaskCanceledException ex) when (ex.InnerException is TimeoutException)
        {
            return Report(console, "the host did not answer in time", [ex.InnerException.Message]);
        }
        catch (OperationCanceledException)
        {
            console.MarkupLine("[yellow]cancelled[/]");
            return Failed;
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException or FormatException
            or Azure.Identity.AuthenticationFailedException or ArgumentException)
        {
            return Report(console, ex.Message.Split('\n')[0], []);
        }
    }

    private static int Report(IAnsiConsole console, string what, IReadOnlyList<string> problems)
    {
        console.MarkupLineInterpolated($"[red]error:[/] {what}");
        foreach (var problem in problems) console.MarkupLineInterpolated($"  - {problem}");
        return Failed;
    }
}
