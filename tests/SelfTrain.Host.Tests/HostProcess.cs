using System.Diagnostics;
using System.Net.Sockets;
using System.Reflection;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

/// <summary>The local host as its own process on a loopback port, so a test can kill it as a crash would.</summary>
internal sealed class HostProcess : IDisposable
{
    private static readonly string Assembly = typeof(HostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "HostAssembly").Value!;

    private readonly Process _process;
    private readonly List<string> _output = [];

    public HostProcess(string storagePrefix, int labelPartitions)
    {
        Url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet", [Assembly, "--urls", Url])
        {
            WorkingDirectory = Path.GetDirectoryName(Assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["AzureWebJobsStorage"] = AzuriteStorage.ConnectionString;
        start.Environment["Storage__Prefix"] = storagePrefix;
        start.Environment["Storage__LabelPartitions"] = labelPartitions.ToString();
        start.Environment["Serving__ChampionPollInterval"] = "00:00:00.200";
        start.Environment["Serving__IncomingPollInterval"] = "00:00:00.200";
        start.Environment["Serving__IncomingIdlePollInterval"] = "00:00:00.200";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Url { get; }

    /// <summary>What the process logged (warnings and errors), for a failing test's message.</summary>
    public string Output
    {
        get { lock (_output) return string.Join('\n', _output); }
    }

    /// <summary>Ends the process at once (SIGKILL): nothing is drained, no lease released.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
