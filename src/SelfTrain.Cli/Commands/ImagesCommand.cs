using System.CommandLine;
using Azure.Storage.Blobs.Models;
using SelfTrain.Client;
using SelfTrain.Serving;
using Spectre.Console;

namespace SelfTrain.Cli.Commands;

/// <summary>
/// <c>selftrain images upload</c>: production images into <c>incoming/</c>, where the champion labels each one as it
/// arrives; with <c>--wait</c>, until every one has its label row or was quarantined.
/// </summary>
public static class ImagesCommand
{
    /// <summary>How long labelling may make no progress before <c>--wait</c> gives up.</summary>
    public static readonly TimeSpan StallTimeout = TimeSpan.FromMinutes(5);

    public static Command Create(Connection connection, IAnsiConsole console)
    {
        var folder = new Argument<string>("folder") { Description = "a folder of images (searched recursively)" };
        var prefix = new Option<string?>("--prefix") { Description = "blob name prefix inside incoming/ (default: the folder's name)" };
        var wait = new Option<bool>("--wait") { Description = "wait until the champion has labelled (or quarantined) every image" };
        var upload = new Command("upload", "Upload a folder of production images to incoming/, where the serving model labels them.") { folder, prefix, wait };
        upload.SetAction(async (parse, cancellationToken) =>
        {
            var directory = Path.GetFullPath(parse.GetValue(folder)!);
            if (!Directory.Exists(directory)) throw new CheckFailedException($"{directory} is not a folder", ["name a folder of images"]);
            var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
            if (files.Length == 0) throw new CheckFailedException($"{directory} holds no file", ["name a folder of images"]);
            var root = (parse.GetValue(prefix) ?? Path.GetFileName(directory)).Trim('/');
            var names = files.Select(f => $"{root}/{Path.GetRelativePath(directory, f).Replace('\\', '/')}").ToArray();

            var account = connection.Account(parse);
            var incoming = account.Blobs.GetBlobContainerClient(connection.Layout.Incoming);
            await incoming.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await console.Progress().StartAsync(async progress =>
            {
                var task = progress.AddTask("uploading to incoming/", maxValue: files.Length);
                await Uploads.ForEachAsync(files.Length, () => task.Increment(1), cancellationToken, async (i, ct) =>
                    await incoming.GetBlobClient(names[i]).UploadAsync(new BinaryData(await File.ReadAllBytesAsync(files[i], ct)), overwrite: true, ct));
            });
            console.MarkupLineInterpolated($"uploaded {files.Length} images to {connection.Layout.Incoming}/{root}/");
            if (!parse.GetValue(wait)) return 0;

            if (await connection.Api(parse).ChampionAsync(cancellationToken) is null)
                console.MarkupLine("[yellow]no model serves yet: images wait in incoming/ until one is promoted[/]");
            var (labelled, quarantined) = (0, 0);
            await console.Progress().StartAsync(async progress =>
            {
                var task = progress.AddTask("labelled by the champion", maxValue: files.Length);
                var (last, changed) = (-1, DateTime.UtcNow);
                while (true)
                {
                    (labelled, quarantined) = await CountAsync(incoming, root, names.Length, cancellationToken);
                    task.Value = labelled + quarantined;
                    if (labelled + quarantined >= names.Length) return;
                    if (labelled + quarantined != last) (last, changed) = (labelled + quarantined, DateTime.UtcNow);
                    else if (DateTime.UtcNow - changed > StallTimeout)
                        throw new CheckFailedException($"labelling stalled at {last} of {names.Length} images for {StallTimeout.TotalMinutes:0} minutes",
                            ["is a model serving and the host running? (selftrain status)"]);
                    await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                }
            });
            console.MarkupLineInterpolated($"labelled {labelled} images; {quarantined} could not be used and were quarantined (see quarantine/{root}/)");
            return 0;
        });
        return new Command("images", "Production images: what the champion labels and rounds learn from.") { upload };
    }

    /// <summary>
    /// Uploads under <paramref name="root"/> that carry the labeller's mark (their row exists), and those no longer in
    /// <c>incoming/</c> (a refused image is moved to quarantine).
    /// </summary>
    private static async Task<(int Labelled, int Quarantined)> CountAsync(Azure.Storage.Blobs.BlobContainerClient incoming, string root, int uploaded,
        CancellationToken cancellationToken)
    {
        var (present, marked) = (0, 0);
        await foreach (var blob in incoming.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, root + "/", cancellationToken))
        {
            present++;
            if (blob.Metadata.ContainsKey(ImageLabeler.CheckpointMetadata)) marked++;
        }
        return (marked, Math.Max(0, uploaded - present));
    }
}
