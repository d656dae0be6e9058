namespace SelfTrain.Client;

/// <summary>
/// The files of a folder a user names, as the client reads them: regular files only — hidden and system files and
/// links (to directories or to devices) are skipped, so a link cannot loop or pull in another tree — each at most
/// <paramref name="maxBytes"/>, since no host would take a larger image.
/// </summary>
public static class LocalFiles
{
    private static EnumerationOptions Options(bool recursive) => new()
    {
        RecurseSubdirectories = recursive,
        AttributesToSkip = FileAttributes.Hidden | FileAttributes.System | FileAttributes.ReparsePoint,
        IgnoreInaccessible = false,
    };

    /// <summary>The files in name order, and a problem for each one too large to upload.</summary>
    public static (IReadOnlyList<FileInfo> Files, IReadOnlyList<string> Problems) List(string directory, long maxBytes, bool recursive)
    {
        var root = new DirectoryInfo(directory);
        var files = root.EnumerateFiles("*", Options(recursive)).OrderBy(f => f.FullName, StringComparer.Ordinal).ToArray();
        var problems = files.Where(f => f.Length > maxBytes)
            .Select(f => $"{Path.GetRelativePath(directory, f.FullName)}: {f.Length:N0} bytes, more than the {maxBytes:N0} an image may have")
            .ToArray();
        return (files, problems);
    }

    /// <summary>The folders directly in <paramref name="directory"/>, skipping hidden ones and links.</summary>
    public static IEnumerable<DirectoryInfo> Folders(string directory) =>
        new DirectoryInfo(directory).EnumerateDirectories("*", Options(recursive: false)).OrderBy(d => d.Name, StringComparer.Ordinal);
}
