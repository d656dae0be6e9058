using System.CommandLine;
using System.Text.Json;
using SelfTrain.Core;
using SelfTrain.Demo;
using SelfTrain.Demo.Report;
using SelfTrain.Storage;
using Spectre.Console;

// Progress and tables go to stderr, so stdout carries only the summary: one JSON line.
var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

var gold = new Option<int>("--gold") { Description = "Fashion-MNIST training images with true labels in gold/train", DefaultValueFactory = _ => 2000 };
var pool = new Option<string>("--pool") { Description = "production images to upload to incoming/, or 'all' for every remaining training image", DefaultValueFactory = _ => "20000" };
var rounds = new Option<int>("--rounds") { Description = "self-training rounds (each promoted student teaches the next)", DefaultValueFactory = _ => 1 };
var epochs = new Option<int>("--epochs") { Description = "training epochs of each student", DefaultValueFactory = _ => 8 };
var precision = new Option<double>("--target-precision") { Description = "precision the accepted pseudo-labels must reach on gold/validation", DefaultValueFactory = _ => 0.95 };
var secondOpinion = new Option<bool>("--second-opinion") { Description = "later rounds judge the pool by the champion and its own teacher together (the round's secondOpinion)" };
var view = new Option<bool>("--view") { Description = "the round's embedding view: near-copies of held-out gold and outliers stay out of training" };
var propagate = new Option<bool>("--propagate") { Description = "label propagation over the embedding view (implies --view): pseudo-labels by the propagated scores" };
var ablation = new Option<bool>("--ablation") { Description = "also trains a student per step of the recipe (thresholds, soft labels, noise) on the round's shards and reports what each step buys" };
var seed = new Option<int>("--seed") { Description = "seed of the first round's training", DefaultValueFactory = _ => 1 };
var host = new Option<string>("--host") { Description = "the running local host's base address", Required = true };
var trainer = new Option<string>("--trainer") { Description = "the trainer executable", Required = true };
var output = new Option<string>("--out") { Description = "the run's folder for the report, plots and logs", DefaultValueFactory = _ => Path.Combine("runs", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss")) };
var threads = new Option<int>("--threads") { Description = "CPU threads for training and scoring", DefaultValueFactory = _ => Environment.ProcessorCount };
foreach (var option in new[] { gold, rounds, epochs, threads })
    option.Validators.Add(result => { if (result.GetValueOrDefault<int>() < 1) result.AddError($"{result.IdentifierToken?.Value} must be at least 1."); });
pool.Validators.Add(result =>
{
    var value = result.GetValueOrDefault<string>();
    if (value != "all" && !(int.TryParse(value, out var n) && n > 0)) result.AddError("--pool must be a positive number or 'all'.");
});
host.Validators.Add(result =>
{
    if (!Uri.TryCreate(result.GetValueOrDefault<string>(), UriKind.Absolute, out _)) result.AddError("--host must be an absolute http(s) address.");
});
precision.Validators.Add(result => { if (result.GetValueOrDefault<double>() is <= 0 or > 1) result.AddError("--target-precision must be in (0, 1]."); });

var command = new RootCommand("Runs the self-training loop end to end against a running SelfTrain host and trainer worker, and writes a report.")
{
    gold, pool, rounds, epochs, precision, secondOpinion, view, propagate, ablation, seed, host, trainer, output, threads,
};
command.SetAction(async (parse, cancellationToken) =>
{
    var poolValue = parse.GetValue(pool)!;
    var options = new DemoOptions
    {
        Gold = parse.GetValue(gold),
        Pool = poolValue == "all" ? null : int.Parse(poolValue),
        Rounds = parse.GetValue(rounds),
        Epochs = parse.GetValue(epochs),
        TargetPrecision = parse.GetValue(precision),
        SecondOpinion = parse.GetValue(secondOpinion),
        View = parse.GetValue(view) || parse.GetValue(propagate),
        Propagate = parse.GetValue(propagate),
        Seed = parse.GetValue(seed),
        Ablation = parse.GetValue(ablation),
        Host = new Uri(parse.GetValue(host)!),
        Trainer = parse.GetValue(trainer)!,
        Output = parse.GetValue(output)!,
        Threads = parse.GetValue(threads),
    };
    try
    {
        var storage = StorageAccount.FromSetting(Environment.GetEnvironmentVariable);
        var summary = await new DemoScenario(options, storage, console).RunAsync(cancellationToken);
        Console.WriteLine(JsonSerializer.Serialize(summary, SelfTrainJson.Options));
        return 0;
    }
    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
    {
        console.MarkupLine("[yellow]stopped[/]");
        return 130;
    }
    catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or TimeoutException or IOException or ArgumentException
                                   or InvalidDataException or Azure.RequestFailedException)
    {
        console.MarkupLineInterpolated($"[red]demo failed:[/] {ex.Message}");
        return 1;
    }
});
var reports = new Argument<string[]>("reports") { Description = "the report.json of each demo run with --ablation", Arity = ArgumentArity.OneOrMore };
var tableOutput = new Option<string>("--out") { Description = "the Markdown file the table is written to", Required = true };
var ablationTable = new Command("ablation-table", "Writes the ablation of several demo runs that differ only in their seed as mean ± standard deviation, and prints it as one JSON line.")
{
    reports, tableOutput,
};
ablationTable.SetAction(async (parse, cancellationToken) =>
{
    try
    {
        var runs = new List<(string Path, DemoReport Report)>();
        foreach (var path in parse.GetValue(reports)!)
            runs.Add((path, JsonSerializer.Deserialize<DemoReport>(await File.ReadAllTextAsync(path, cancellationToken), SelfTrainJson.Options)
                ?? throw new InvalidDataException($"{path} holds no report.")));
        var rows = AblationTable.Of(runs);
        var seeds = runs.Select(r => r.Report.Settings.Seed).ToArray();
        await File.WriteAllTextAsync(parse.GetValue(tableOutput)!, AblationTable.Markdown(rows, seeds), cancellationToken);
        Console.WriteLine(JsonSerializer.Serialize(new { seeds, rows }, SelfTrainJson.Options));
        return 0;
    }
    catch (Exception ex) when (ex is InvalidDataException or JsonException or IOException)
    {
        console.MarkupLineInterpolated($"[red]ablation table failed:[/] {ex.Message}");
        return 1;
    }
});
command.Subcommands.Add(ablationTable);
return await command.Parse(args).InvokeAsync();
