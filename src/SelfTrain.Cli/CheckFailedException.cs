namespace SelfTrain.Cli;

/// <summary>A local check found problems before anything was sent: each is listed, and the command exits 1.</summary>
public sealed class CheckFailedException(string what, IReadOnlyList<string> problems) : Exception($"{what}: {problems.Count} problem(s)")
{
    public string What { get; } = what;
    public IReadOnlyList<string> Problems { get; } = problems;
}
