using System.Diagnostics;
using System.Reflection;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

/// <summary>The real training worker (<c>SelfTrain.Trainer work</c>) as its own process on the test's storage layout.</summary>
internal sealed class TrainerProcess : IDisposable
{
    private static readonly string Executable = typeof(TrainerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "TrainerExecutable").Value!;

    private readonly Process _process;
    private readonly List<string> _output = [];

    public TrainerProcess(string storagePrefix)
    {
        var start = new ProcessStartInfo(Executable, ["work", "--device", "cpu", "--threads", "1"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["AzureWebJobsStorage"] = AzuriteStorage.ConnectionString;
        start.Environment["Storage__Prefix"] = storagePrefix;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get { lock (_output) return string.Join('\n', _output); }
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
    }
}
