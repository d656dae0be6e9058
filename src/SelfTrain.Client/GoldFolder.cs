using System.Text.Json;
using SelfTrain.Inference;
using SelfTrain.Storage;

namespace SelfTrain.Client;

/// <summary>One labelled image of a gold folder.</summary>
public sealed record GoldFile(GoldSplit Split, int ClassIndex, string Path, string Name);

/// <summary>
/// Gold data as image data sets usually come: <c>classes.json</c> (the class names in the model's output order) and
/// a folder per split (<c>train</c>, <c>validation</c>, optionally <c>test</c>) holding a folder per class, named by
/// its name in the class list or else by its index. <see cref="CheckAsync"/> lists every problem — an unknown
/// folder, a class the list does not name or two folders for one class, a file that is not an image the hosts decode,
/// a split without images — before anything is uploaded.
/// </summary>
public sealed record GoldFolder(IReadOnlyList<string> Classes, IReadOnlyList<GoldFile> Files)
{
    public const string ClassesFile = "classes.json";

    private readonly Dictionary<(GoldSplit, int), int> _counts = Files.CountBy(f => (f.Split, f.ClassIndex)).ToDictionary();

    /// <summary>Images per split and class, for a summary table.</summary>
    public int Count(GoldSplit split, int classIndex) => _counts.GetValueOrDefault((split, classIndex));

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
        var (topFiles, _) = LocalFiles.List(directory, limits.MaxBytes, recursive: false);
        problems.AddRange(topFiles.Where(f => f.Name != ClassesFile)
            .Select(f => $"{f.Name}: only {ClassesFile} and the folders {string.Join(", ", splits.Keys)} belong at the top"));
        foreach (var splitFolder in LocalFiles.Folders(directory))
        {
            if (!splits.TryGetValue(splitFolder.Name, out var split))
            {
                problems.Add($"{splitFolder.Name}/: not a split (expected {string.Join(", ", splits.Keys)})");
                continue;
            }
            var (loose, _) = LocalFiles.List(splitFolder.FullName, limits.MaxBytes, recursive: false);
            problems.AddRange(loose.Select(f => $"{splitFolder.Name}/{f.Name}: images go in a folder per class, not directly in {splitFolder.Name}/"));
            var seen = new Dictionary<int, string>();
            foreach (var classFolder in LocalFiles.Folders(splitFolder.FullName))
            {
                var name = classFolder.Name;
                // A class's own name first; a number names a class by its index only when no class has that name.
                var index = Array.IndexOf(classes, name) is >= 0 and var byName ? byName
                    : int.TryParse(name, out var number) && number >= 0 && number < classes.Length ? number : -1;
                if (index < 0)
                {
                    problems.Add($"{splitFolder.Name}/{name}/: names no class of {ClassesFile} (by name, or by index 0–{classes.Length - 1})");
                    continue;
                }
                if (!seen.TryAdd(index, name))
                {
                    problems.Add($"{splitFolder.Name}/{name}/ and {splitFolder.Name}/{seen[index]}/ are both class {index} ({classes[index]}): keep one");
                    continue;
                }
                var (images, tooLarge) = LocalFiles.List(classFolder.FullName, limits.MaxBytes, recursive: false);
                problems.AddRange(tooLarge.Select(p => $"{splitFolder.Name}/{name}/{p}"));
                problems.AddRange(LocalFiles.Folders(classFolder.FullName).Select(d => $"{splitFolder.Name}/{name}/{d.Name}/: a class folder holds images, not folders"));
                files.AddRange(images.Where(f => f.Length <= limits.MaxBytes).Select(f => new GoldFile(split, index, f.FullName, f.Name)));
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
