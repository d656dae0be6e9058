using System.Text.Json;
using SelfTrain.Client;
using SelfTrain.Inference;
using SelfTrain.Storage;
using SelfTrain.Testing;

namespace SelfTrain.Cli.Tests;

/// <summary>A gold folder is read as data sets come (a folder per class, by index or name), every problem listed at once.</summary>
public sealed class GoldFolderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("selftrain-gold-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private void Write(string relative, byte[] content)
    {
        var path = Path.Combine(_folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    private void Classes(params string[] names) => File.WriteAllText(Path.Combine(_folder, GoldFolder.ClassesFile), JsonSerializer.Serialize(names));

    [Fact]
    public async Task Class_folders_are_read_by_name_or_by_index()
    {
        Classes("cat", "dog");
        Write("train/cat/a.png", TestImages.Png(8, 8, 1));
        Write("train/1/b.png", TestImages.Png(8, 8, 2));
        Write("validation/dog/c.png", TestImages.Png(8, 8, 3));

        var (gold, problems) = await GoldFolder.CheckAsync(_folder, ImageLimits.Default);

        Assert.Empty(problems);
        Assert.Equal((1, 1, 1), (gold!.Count(GoldSplit.Train, 0), gold.Count(GoldSplit.Train, 1), gold.Count(GoldSplit.Validation, 1)));
    }

    [Fact]
    public async Task Every_problem_is_listed_at_once()
    {
        Classes("cat", "dog");
        Write("train/cat/a.png", TestImages.Png(8, 8, 1));
        Write("train/bird/b.png", TestImages.Png(8, 8, 2));      // not a class
        Write("train/dog/notes.txt", TestImages.NotAnImage());   // not an image
        Write("extra/c.png", TestImages.Png(8, 8, 3));           // not a split
        // and no validation/ at all

        var (gold, problems) = await GoldFolder.CheckAsync(_folder, ImageLimits.Default);

        Assert.Null(gold);
        Assert.Contains(problems, p => p.StartsWith("train/bird/: names no class", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("train/dog/notes.txt: NotAnImage", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("extra/: not a split", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("validation/ holds no image", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_folder_without_a_class_list_says_what_it_needs()
    {
        var (_, problems) = await GoldFolder.CheckAsync(_folder, ImageLimits.Default);

        Assert.Contains("classes.json is missing", Assert.Single(problems));
    }

    [Fact]
    public async Task A_class_s_own_name_wins_over_an_index_and_two_folders_for_one_class_are_refused()
    {
        Classes("2", "3", "5");
        Write("train/5/a.png", TestImages.Png(8, 8, 1));          // the class named "5" (index 2), not index 5
        Write("validation/2/b.png", TestImages.Png(8, 8, 2));     // the class named "2" (index 0)
        var (gold, problems) = await GoldFolder.CheckAsync(_folder, ImageLimits.Default);
        Assert.Empty(problems);
        Assert.Equal((1, 1), (gold!.Count(GoldSplit.Train, 2), gold.Count(GoldSplit.Validation, 0)));

        Write("train/0/c.png", TestImages.Png(8, 8, 3));          // index 0: the class named "2"...
        Write("train/2/d.png", TestImages.Png(8, 8, 4));          // ...which this folder names too
        (_, problems) = await GoldFolder.CheckAsync(_folder, ImageLimits.Default);
        Assert.Contains(problems, p => p.Contains("are both class 0 (2): keep one", StringComparison.Ordinal));
    }
}
