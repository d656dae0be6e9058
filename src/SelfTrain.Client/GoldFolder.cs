using System.Text.Json;
using SelfTrain.Inference;
using SelfTrain.Storage;

namespace SelfTrain.Client;

/// <summary>One labelled image of a gold folder.</summary>
public sealed record GoldFile(GoldSplit Split, int ClassIndex, string Path, string Name);

/// <summary>
/// Gold data as image data sets usually come: <c>classes.json</c> (the class names in the model's output order) and
/// a folder per split (<c>train</c>, <c>validation</c>, optionally <c>test</c>) holding a folder per class, named by
/// its index in the class list or by its name. <see cref="CheckAsync"/> lists every problem — an unknown folder, a
/// class the list does not name, a file that is not an image the hosts decode, a split without images — before
/// anything is uploaded.
/// </summary>
public sealed record GoldFolder(IReadOnlyList<string> Classes, IReadOnlyList<GoldFile> Files)
{
    public const string ClassesFile = "classes.json";

    /// <summary>Images per split and class, for a summary table.</summary>
    public int Count(GoldSplit split, int classIndex) => Files.Count(f => f.Split == split && f.ClassIndex == classIndex);

    public static async Task<(GoldFolder? Folder, IReadOnlyList<string> Problems)> CheckAsync(string directory, ImageLimits limits,
        CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(directory)) return (null, [$"{directory} is not a folder"]);
        var classesPath = Path.Combine(directory, ClassesFile);
        if (!File.Exists(classesPath)) return (null, [$"{ClassesFile} is missing from {directory}: a JSON array of the class names in the model's output order"]);
        var json = await File.ReadAllTextAsync(classesPath, cancellationToken);
        if (DocumentSchemas.Classes.Problems(json) is { Count: > 0 } schemaProblems)
            return (null, schemaProblems.Select(p => $"{ClassesFile} {p} (schema {DocumentSchemas.Classes.Name})").ToArray());
        var classes = JsonSerializer.Deserialize<string[]>(json)!;

        var problems = new List<string>();
        var files = new List<GoldFile>();
        var splits = Enum.GetValues<GoldSplit>().ToDictionary(s => s.ToString().ToLowerInvariant());
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(entry);
            if (File.Exists(entry))
            {
                if (name != ClassesFile) problems.Add($"{name}: only {ClassesFile} and the folders {string.Join(", ", splits.Keys)} belong at the top");
                continue;
            }
            if (!splits.TryGetValue(name, out var split))
            {
                problems.Add($"{name}/: not a split (expected {string.Join(", ", splits.Keys)})");
                continue;
            }
            foreach (var classFolder in Directory.EnumerateFileSystemEntries(entry).Order(StringComparer.Ordinal))
            {
                var className = Path.GetFileName(classFolder);
                var index = int.TryParse(className, out var number) && number >= 0 && number < classes.Length ? number : Array.IndexOf(classes, className);
                if (!Directory.Exists(classFolder)) problems.Add($"{name}/{className}: images go in a folder per class, not directly in {name}/");
                else if (index < 0) problems.Add($"{name}/{className}/: names no class of {ClassesFile} (by index 0–{classes.Length - 1} or by name)");
                else
                    foreach (var file in Directory.EnumerateFiles(classFolder).Order(StringComparer.Ordinal))
                        files.Add(new GoldFile(split, index, file, Path.GetFileName(file)));
            }
        }
        if (!files.Any(f => f.Split == GoldSplit.Train)) problems.Add("train/ holds no image: students learn from it");
        if (!files.Any(f => f.Split == GoldSplit.Validation)) problems.Add("validation/ holds no image: thresholds and the gate are measured on it");

        // Every image must be one the hosts decode, or a round's shard step would fail on it later.
        var bad = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(files, cancellationToken, async (file, ct) =>
        {
            try
            {
                using var _ = ImageDecoder.Decode(await File.ReadAllBytesAsync(file.Path, ct), limits, 1, 1);
            }
            catch (ImageRejectedException ex)
            {
                bad.Add($"{System.IO.Path.GetRelativePath(directory, file.Path)}: {ex.Reason} ({ex.Message})");
            }
        });
        problems.AddRange(bad.Order(StringComparer.Ordinal));
        return problems.Count > 0 ? (null, problems) : (new GoldFolder(classes, files), []);
    }
}
