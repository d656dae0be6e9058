using System.Diagnostics;
using System.Reflection;

namespace SelfTrain.Infra.Tests;

/// <summary>The Bicep CLI restored from NuGet (Azure.Bicep.CommandLine.linux-x64), run as a child process.</summary>
internal static class Bicep
{
    private static readonly Assembly Assembly = typeof(Bicep).Assembly;

    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string InfraDirectory { get; } = Path.Combine(RepositoryRoot, "infra");

    public static string Executable { get; } = EnsureExecutable(Metadata("BicepExecutable"));

    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    /// <summary>Compiles <paramref name="bicepFile"/> to an ARM template on standard output.</summary>
    public static Result Build(string bicepFile) => Run("build", bicepFile, "--stdout");

    /// <summary>Runs the linter (compiler diagnostics and the analyzer rules of infra/bicepconfig.json).</summary>
    public static Result Lint(string bicepFile) => Run("lint", bicepFile);

    private static Result Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = InfraDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Executable}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish in 2 minutes");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Metadata(string key) =>
        Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"assembly metadata {key} is empty");

    // NuGet does not always keep the executable bit of files it extracts.
    private static string EnsureExecutable(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException("the Bicep CLI was not restored", path);
        if (OperatingSystem.IsWindows()) return path;
        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return path;
    }
}
