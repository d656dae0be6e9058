using System.Diagnostics;
using System.Reflection;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

/// <summary>A program of this repository run as its own process on the test's storage, its output kept for failure messages.</summary>
internal abstract class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    protected ChildProcess(ProcessStartInfo start, string storagePrefix)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.Environment["AzureWebJobsStorage"] = AzuriteStorage.ConnectionString;
        start.Environment["Storage__Prefix"] = storagePrefix;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>A build output's path, passed in by the test project (AssemblyMetadata <paramref name="key"/>).</summary>
    protected static string BuildOutput(string key) => typeof(ChildProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == key).Value!;

    public int ProcessId => _process.Id;

    /// <summary>Resident memory now, in bytes (Linux: VmRSS of /proc/{pid}/status).</summary>
    public long ResidentBytes() => ProcessMemory.ResidentBytes(_process.Id);

    /// <summary>What the process wrote, for a failing test's message.</summary>
    public string Output
    {
        get { lock (_output) return string.Join('\n', _output); }
    }

    /// <summary>Ends the process at once (SIGKILL): nothing is drained, no lease released.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
