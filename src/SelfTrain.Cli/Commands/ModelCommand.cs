using System.CommandLine;
using SelfTrain.Client;
using SelfTrain.Inference;
using SelfTrain.Storage;
using Spectre.Console;

namespace SelfTrain.Cli.Commands;

/// <summary><c>selftrain model check|register|promote|rollback</c>: the model registry, as an operator uses it.</summary>
public static class ModelCommand
{
    public static Command Create(Connection connection, IAnsiConsole console) =>
        new("model", "Check and register a model folder (model.onnx + manifest.json), promote a version, roll back.")
        {
            Check(console), Register(connection, console), Promote(connection, console), Rollback(connection, console),
        };

    private static Argument<string> Folder() => new("folder") { Description = "a folder holding model.onnx and manifest.json (docs/serving.md#the-manifest)" };

    private static Option<string?> Reason() => new("--reason") { Description = "why, recorded in the champion's history" };

    private static Command Check(IAnsiConsole console)
    {
        var folder = Folder();
        var command = new Command("check", "Check a model folder as the hosts will, without uploading anything.") { folder };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var model = await CheckedAsync(parse.GetValue(folder)!, cancellationToken);
            Describe(console, model);
            return 0;
        });
        return command;
    }

    private static Command Register(Connection connection, IAnsiConsole console)
    {
        var folder = Folder();
        var promote = new Option<bool>("--promote") { Description = "also make it the champion (manual promotion)" };
        var reason = Reason();
        var command = new Command("register", "Check a model folder, store it as a new version in models/ (versions are written once) and optionally promote it.")
        {
            folder, promote, reason,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var model = await CheckedAsync(parse.GetValue(folder)!, cancellationToken);
            Describe(console, model);
            try
            {
                await new ModelStore(connection.Account(parse), connection.Layout).SaveAsync(model.Onnx, model.Manifest, cancellationToken);
            }
            catch (ModelVersionExistsException)
            {
                throw new CheckFailedException($"version '{model.Manifest.Version}' is already registered",
                    ["versions are written once: give this model a new \"version\" in its manifest.json"]);
            }
            console.MarkupLineInterpolated($"registered [bold]{model.Manifest.Version}[/] (sha256 {model.Manifest.Sha256})");
            if (parse.GetValue(promote))
                await PromoteAsync(connection.Api(parse), model.Manifest.Version, parse.GetValue(reason) ?? "registered with selftrain", console, cancellationToken);
            return 0;
        });
        return command;
    }

    private static Command Promote(Connection connection, IAnsiConsole console)
    {
        var version = new Argument<string>("version") { Description = "a registered version, or a round's candidate" };
        var reason = Reason();
        var command = new Command("promote", "Make a version the champion (recorded as a manual promotion).") { version, reason };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await PromoteAsync(connection.Api(parse), parse.GetValue(version)!, parse.GetValue(reason), console, cancellationToken);
            return 0;
        });
        return command;
    }

    private static Command Rollback(Connection connection, IAnsiConsole console)
    {
        var reason = Reason();
        var command = new Command("rollback", "Make the previous champion serve again.") { reason };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var api = connection.Api(parse);
            var pointer = await api.RollbackAsync(parse.GetValue(reason), cancellationToken);
            var version = pointer.StringOf("version")!;
            await api.WaitForChampionAsync(version, TimeSpan.FromSeconds(60), cancellationToken);
            console.MarkupLineInterpolated($"rolled back: [bold green]{version}[/] serves (instead of {pointer.StringOf("previous")})");
            return 0;
        });
        return command;
    }

    private static async Task PromoteAsync(SelfTrainClient api, string version, string? reason, IAnsiConsole console, CancellationToken cancellationToken)
    {
        await api.PromoteAsync(version, reason, cancellationToken);
        await api.WaitForChampionAsync(version, TimeSpan.FromSeconds(60), cancellationToken);
        console.MarkupLineInterpolated($"promoted: [bold green]{version}[/] serves");
    }

    private static async Task<ModelFolder> CheckedAsync(string directory, CancellationToken cancellationToken)
    {
        var (model, problems) = await ModelFolder.CheckAsync(directory, new InferenceOptions(), cancellationToken);
        return model ?? throw new CheckFailedException($"{directory} is not a model SelfTrain can serve", problems);
    }

    private static void Describe(IAnsiConsole console, ModelFolder model)
    {
        var (manifest, input) = (model.Manifest, model.Manifest.Input);
        console.MarkupLineInterpolated($"[green]ok[/] {manifest.Version}: {manifest.Classes.Count} classes, input '{input.TensorName}' {input.Width}x{input.Height} {input.ColorOrder} ({input.Resize}), output '{manifest.Output.TensorName}' ({manifest.Output.Kind})");
    }
}
