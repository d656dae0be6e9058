using System.CommandLine;
using SelfTrain.Client;
using SelfTrain.Serving;
using SelfTrain.Storage;
using Spectre.Console;

namespace SelfTrain.Cli.Commands;

/// <summary><c>selftrain gold upload</c>: the labelled images thresholds, training and the gate rely on.</summary>
public static class GoldCommand
{
    public static Command Create(Connection connection, IAnsiConsole console)
    {
        var folder = new Argument<string>("folder") { Description = "classes.json and train/, validation/ (and test/) with a folder per class, by index or name" };
        var replace = new Option<bool>("--replace") { Description = "delete the gold data already stored first" };
        var upload = new Command("upload", "Check a gold folder and upload it: the class list to gold/classes.json, each image to gold/{split}/{class index}/.")
        {
            folder, replace,
        };
        upload.SetAction(async (parse, cancellationToken) =>
        {
            var directory = parse.GetValue(folder)!;
            var (gold, problems) = await GoldFolder.CheckAsync(directory, new ServingOptions().Limits, cancellationToken);
            if (gold is null) throw new CheckFailedException($"{directory} is not a gold folder SelfTrain can use", problems);

            var account = connection.Account(parse);
            var store = new GoldStore(account, connection.Layout);
            var models = new ModelStore(account, connection.Layout);
            if (await models.GetChampionAsync(cancellationToken) is { } champion
                && (await models.GetManifestAsync(champion.Pointer.Version, cancellationToken)).Classes is var served && !served.SequenceEqual(gold.Classes))
                throw new CheckFailedException($"{GoldFolder.ClassesFile} does not list the champion's classes in its output order",
                    [$"champion {champion.Pointer.Version}: {string.Join(", ", served)}", $"{GoldFolder.ClassesFile}: {string.Join(", ", gold.Classes)}"]);
            var stored = await store.CountAsync(cancellationToken: cancellationToken);
            if (stored > 0 && !parse.GetValue(replace))
                throw new CheckFailedException($"gold/ already holds {stored} images", ["add --replace to delete them before uploading this folder"]);
            if (stored > 0) console.MarkupLineInterpolated($"deleted {await store.ClearAsync(cancellationToken)} gold blobs");

            await store.SetClassesAsync(gold.Classes, cancellationToken);
            await console.Progress().StartAsync(async progress =>
            {
                var task = progress.AddTask("uploading gold images", maxValue: gold.Files.Count);
                await Uploads.ForEachAsync(gold.Files.Count, () => task.Increment(1), cancellationToken, async (i, ct) =>
                {
                    var file = gold.Files[i];
                    await store.UploadAsync(file.Split, file.ClassIndex, file.Name, new BinaryData(await File.ReadAllBytesAsync(file.Path, ct)), ct);
                });
            });

            var table = new Table().AddColumns("class", "train", "validation", "test");
            for (var c = 0; c < gold.Classes.Count; c++)
                table.AddRow(Markup.Escape($"{c} {gold.Classes[c]}"), $"{gold.Count(GoldSplit.Train, c)}", $"{gold.Count(GoldSplit.Validation, c)}", $"{gold.Count(GoldSplit.Test, c)}");
            console.Write(table);
            console.MarkupLineInterpolated($"uploaded {gold.Files.Count} gold images of {gold.Classes.Count} classes");
            return 0;
        });
        return new Command("gold", "The gold data: images whose labels a person gave.") { upload };
    }
}
