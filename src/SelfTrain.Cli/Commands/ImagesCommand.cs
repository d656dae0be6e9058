using System.CommandLine;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SelfTrain.Client;
using SelfTrain.Serving;
using SelfTrain.Storage;
using Spectre.Console;

namespace SelfTrain.Cli.Commands;

/// <summary>
/// <c>selftrain images upload</c>: production images into <c>incoming/{prefix}/</c>, where the champion labels each
/// one as it arrives; with <c>--wait</c>, until every one has its label row or was quarantined. An upload never
/// replaces a different image already stored under its name unless asked to (<c>--overwrite</c>): a label row
/// lists the names its image was uploaded under.
/// </summary>
public static class ImagesCommand
{
    /// <summary>How long labelling may make no progress before <c>--wait</c> gives up.</summary>
    public static readonly TimeSpan StallTimeout = TimeSpan.FromMinutes(5);

    private enum Outcome { Uploaded, AlreadyThere, Conflict }

    public static Command Create(Connection connection, IAnsiConsole console)
    {
        var folder = new Argument<string>("folder") { Description = "a folder of images (searched recursively; hidden files and links are skipped)" };
        var prefix = new Option<string?>("--prefix") { Description = "blob name prefix inside incoming/ (default: the folder's name)" };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace a different image already stored under the same name" };
        var wait = new Option<bool>("--wait") { Description = "wait until the champion has labelled (or quarantined) every image" };
        var upload = new Command("upload", "Upload a folder of production images to incoming/, where the serving model labels them.") { folder, prefix, overwrite, wait };
        upload.SetAction(async (parse, cancellationToken) =>
        {
            var directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(parse.GetValue(folder)!));
            if (!Directory.Exists(directory)) throw new CheckFailedException($"{directory} is not a folder", ["name a folder of images"]);
            var root = parse.GetValue(prefix) ?? Path.GetFileName(directory);
            if (PrefixProblem(root) is { } problem) throw new CheckFailedException($"'{root}' cannot prefix blob names", [problem]);
            var (files, tooLarge) = LocalFiles.List(directory, new ServingOptions().MaxImageBytes, recursive: true);
            if (tooLarge.Count > 0) throw new CheckFailedException($"{tooLarge.Count} file(s) are larger than an image may be", tooLarge);
            if (files.Count == 0) throw new CheckFailedException($"{directory} holds no file", ["name a folder of images"]);
            var names = files.Select(f => $"{root}/{Path.GetRelativePath(directory, f.FullName).Replace('\\', '/')}").ToArray();

            var account = connection.Account(parse); // one credential for the blobs and the notices
            var incoming = account.Blobs.GetBlobContainerClient(connection.Layout.Incoming);
            await incoming.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            var outcomes = new Outcome[files.Count];
            // Notices tell a local host's watcher to list at once; where none runs (Azure) Event Grid delivers instead.
            var notices = new IncomingNotices(account, connection.Layout);
            await console.Progress().StartAsync(async progress =>
            {
                var task = progress.AddTask("uploading to incoming/", maxValue: files.Count);
                await Uploads.ForEachAsync(files.Count, () => task.Increment(1), cancellationToken, async (i, ct) =>
                {
                    outcomes[i] = await UploadAsync(incoming.GetBlobClient(names[i]), files[i], parse.GetValue(overwrite), ct);
                    await notices.UploadedAsync(cancellationToken: ct);
                });
                await notices.UploadedAsync(force: true, cancellationToken);
            });
            var conflicts = Enumerable.Range(0, files.Count).Where(i => outcomes[i] == Outcome.Conflict).Select(i => names[i]).ToArray();
            console.MarkupLineInterpolated(
                $"uploaded {outcomes.Count(o => o == Outcome.Uploaded)} images to {connection.Layout.Incoming}/{root}/; {outcomes.Count(o => o == Outcome.AlreadyThere)} were there already");
            if (conflicts.Length > 0)
                throw new CheckFailedException($"{conflicts.Length} name(s) already hold a different image, left as they are (--overwrite replaces them, --prefix puts these elsewhere)",
                    conflicts.Take(20).ToArray());
            if (!parse.GetValue(wait)) return 0;

            if (await connection.Api(parse).ChampionAsync(cancellationToken) is null)
            {
                console.MarkupLine("[yellow]no model serves yet: the images wait in incoming/ until one is promoted (selftrain model register --promote)[/]");
                return 0;
            }
            var (labelled, quarantined) = await WaitForLabelsAsync(console, incoming, root, names.ToHashSet(StringComparer.Ordinal), cancellationToken);
            console.MarkupLineInterpolated($"labelled {labelled} images; {quarantined} could not be used and were quarantined (see quarantine/{root}/)");
            return 0;
        });
        return new Command("images", "Production images: what the champion labels and rounds learn from.") { upload };
    }

    /// <summary>Why <paramref name="prefix"/> cannot start blob names under <c>incoming/</c>, or null.</summary>
    private static string? PrefixProblem(string prefix)
    {
        var segments = prefix.Split('/');
        return prefix.Length == 0 || prefix.Length > 256 ? "a prefix has 1 to 256 characters"
            : segments.Any(s => s is "" or "." or ".." || s.Contains('\\')) ? "a prefix is '/'-separated names, none empty, '.' or '..', without '\\'"
            : null;
    }

    /// <summary>Uploads once (<c>If-None-Match: *</c>); a name already taken is left alone unless it holds these very bytes, or overwriting was asked for.</summary>
    private static async Task<Outcome> UploadAsync(BlobClient blob, FileInfo file, bool overwrite, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(file.FullName, cancellationToken); // at most an image's byte limit
        if (overwrite)
        {
            await blob.UploadAsync(new BinaryData(bytes), overwrite: true, cancellationToken);
            return Outcome.Uploaded;
        }
        try
        {
            await blob.UploadAsync(new BinaryData(bytes), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
            return Outcome.Uploaded;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            var stored = (await blob.DownloadContentAsync(cancellationToken)).Value.Content;
            return stored.ToMemory().Span.SequenceEqual(bytes) ? Outcome.AlreadyThere : Outcome.Conflict;
        }
    }

    /// <summary>
    /// Waits until each uploaded name is labelled — it carries the labeller's mark or the sweep's watermark covers it
    /// (its row exists) — or is gone from <c>incoming/</c> (a refused image moves to quarantine), with a progress bar.
    /// </summary>
    private static async Task<(int Labelled, int Quarantined)> WaitForLabelsAsync(IAnsiConsole console, BlobContainerClient incoming, string root,
        HashSet<string> uploaded, CancellationToken cancellationToken)
    {
        var (labelled, quarantined) = (0, 0);
        await console.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask("labelled by the champion", maxValue: uploaded.Count);
            var (last, changed) = (-1, DateTime.UtcNow);
            while (true)
            {
                var (present, marked) = (0, 0);
                var watermark = await IncomingWatermark.ReadAsync(incoming, cancellationToken);
                await foreach (var blob in incoming.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, root + "/", cancellationToken))
                {
                    if (!uploaded.Contains(blob.Name)) continue;
                    present++;
                    if (watermark?.Covers(blob) == true) marked++;
                }
                (labelled, quarantined) = (marked, uploaded.Count - present);
                task.Value = labelled + quarantined;
                if (labelled + quarantined == uploaded.Count) return;
                if (labelled + quarantined != last) (last, changed) = (labelled + quarantined, DateTime.UtcNow);
                else if (DateTime.UtcNow - changed > StallTimeout)
                    throw new CheckFailedException($"labelling stalled at {last} of {uploaded.Count} images for {StallTimeout.TotalMinutes:0} minutes",
                        ["is the host running and its champion loaded? (selftrain status)"]);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        });
        return (labelled, quarantined);
    }
}
