using System.Diagnostics;
using System.Net.Sockets;

namespace SelfTrain.Host.Tests;

/// <summary>The local host as its own process on a loopback port, so a test can kill it as a crash would.</summary>
internal sealed class HostProcess : ChildProcess
{
    private static readonly string Assembly = BuildOutput("HostAssembly");

    public HostProcess(string storagePrefix, int labelPartitions) : this($"http://127.0.0.1:{FreePort()}", storagePrefix, labelPartitions) { }

    private HostProcess(string url, string storagePrefix, int labelPartitions) : base(Start(url, labelPartitions), storagePrefix) => Url = url;

    public string Url { get; }

    private static ProcessStartInfo Start(string url, int labelPartitions)
    {
        var start = new ProcessStartInfo("dotnet", [Assembly, "--urls", url]) { WorkingDirectory = Path.GetDirectoryName(Assembly)! };
        start.Environment["Storage__LabelPartitions"] = labelPartitions.ToString();
        start.Environment["Serving__ChampionPollInterval"] = "00:00:00.200";
        start.Environment["Serving__IncomingPollInterval"] = "00:00:00.200";
        start.Environment["Serving__IncomingIdlePollInterval"] = "00:00:00.200";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        return start;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
