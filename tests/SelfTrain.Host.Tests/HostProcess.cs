using System.Diagnostics;
using System.Net.Sockets;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

/// <summary>
/// The local host as its own process, so a test can kill it as a crash would, or bind it as a deployment would. It
/// listens on <c>bindHost</c> (loopback unless told otherwise); tests always reach it through loopback.
/// </summary>
internal sealed class HostProcess : ChildProcess
{
    private static readonly string Assembly = BuildOutput("HostAssembly");

    public HostProcess(string storagePrefix, int labelPartitions, IReadOnlyDictionary<string, string>? environment = null, string bindHost = "127.0.0.1")
        : this(FreePort(), storagePrefix, labelPartitions, environment ?? new Dictionary<string, string>(), bindHost) { }

    private HostProcess(int port, string storagePrefix, int labelPartitions, IReadOnlyDictionary<string, string> environment, string bindHost)
        : base(Start($"http://{bindHost}:{port}", labelPartitions, environment), storagePrefix) => Url = $"http://127.0.0.1:{port}";

    /// <summary>Where a test reaches the host.</summary>
    public string Url { get; }

    /// <summary>Waits until the host answers its health probe, and (when given) serves <paramref name="champion"/>.</summary>
    public Task WaitUntilServingAsync(HttpClient http, string? champion = null) =>
        Eventually.HoldsAsync(async () =>
        {
            try
            {
                using var health = await http.GetAsync("/api/health");
                return health.IsSuccessStatusCode && (champion is null || (await health.Content.ReadAsStringAsync()).Contains($"\"champion\":\"{champion}\""));
            }
            catch (HttpRequestException)
            {
                return false; // not listening yet
            }
        }, TimeSpan.FromSeconds(60), champion is null ? "the host serving" : $"the host serving {champion}", () => Output);

    private static ProcessStartInfo Start(string url, int labelPartitions, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", [Assembly, "--urls", url]) { WorkingDirectory = Path.GetDirectoryName(Assembly)! };
        start.Environment["Storage__LabelPartitions"] = labelPartitions.ToString();
        start.Environment["Serving__ChampionPollInterval"] = "00:00:00.200";
        start.Environment["Serving__IncomingPollInterval"] = "00:00:00.200";
        start.Environment["Serving__IncomingIdlePollInterval"] = "00:00:00.200";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return start;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
