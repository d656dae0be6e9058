namespace SelfTrain.Infra.Tests;

/// <summary>Every Bicep file compiles and lints clean with the pinned Bicep CLI, offline.</summary>
public sealed class BicepCompilationTests
{
    private static List<string> Files() =>
        Directory.EnumerateFiles(Bicep.InfraDirectory, "*.bicep", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(Bicep.InfraDirectory, file))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static TheoryData<string> BicepFiles() => new(Files());

    [Fact]
    public void The_infrastructure_has_an_entry_point_and_modules()
    {
        var files = Files();
        Assert.Contains("main.bicep", files);
        Assert.True(files.Count(f => f.StartsWith("modules", StringComparison.Ordinal)) >= 5, string.Join(", ", files));
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Compiles_without_diagnostics(string file)
    {
        var result = Bicep.Build(Path.Combine(Bicep.InfraDirectory, file));
        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}: {result.StandardError}");
        Assert.Equal("", result.StandardError);
        Assert.StartsWith("{", result.StandardOutput.TrimStart(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Lints_clean(string file)
    {
        var result = Bicep.Lint(Path.Combine(Bicep.InfraDirectory, file));
        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}: {result.StandardOutput}{result.StandardError}");
        Assert.Equal("", result.StandardOutput + result.StandardError);
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Uses_only_local_modules(string file)
    {
        // Registry modules (br:, br/public:) and template specs (ts:) need the network; every module is a local file.
        var text = File.ReadAllText(Path.Combine(Bicep.InfraDirectory, file));
        Assert.DoesNotMatch(@"(?m)^\s*module\s+\w+\s+'(br[:/]|ts[:/])", text);
    }

    [Fact]
    public void The_linter_configuration_is_used()
    {
        // Beside infra/bicepconfig.json, a file that breaks a rule the configuration raises to an error must fail the
        // lint; otherwise "lints clean" would prove little.
        var directory = Directory.CreateTempSubdirectory("selftrain-bicep-");
        try
        {
            File.Copy(Path.Combine(Bicep.InfraDirectory, "bicepconfig.json"), Path.Combine(directory.FullName, "bicepconfig.json"));
            var probe = Path.Combine(directory.FullName, "probe.bicep");
            File.WriteAllText(probe, "@secure()\nparam password string\noutput leaked string = password\n");
            var result = Bicep.Lint(probe);
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("Error outputs-should-not-contain-secrets", result.StandardOutput + result.StandardError);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
