using System.Diagnostics;
using System.Net.Sockets;
using System.Reflection;
using SelfTrain.Testing;

namespace SelfTrain.Cli.Tests;

/// <summary>
/// <c>scripts/serve.sh</c> as a user runs it, on free ports and a data folder of the test's own: its Azurite on disk,
/// the local host and a trainer worker. Disposing it sends SIGTERM, as Ctrl-C does, and waits for it to stop them.
/// </summary>
public sealed class ServeProcess : IAsyncDisposable
{
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServeProcess(string dataDirectory)
    {
        // Four ports in a row, none from the ephemeral range other sockets take theirs from: Azurite's three, then the host's.
        StoragePort = FreeRange(4);
        Port = StoragePort + 3;
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot, "scripts", "serve.sh"), "--no-build",
            "--port", $"{Port}", "--storage-port", $"{StoragePort}", "--data", dataDirectory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot,
        };
        start.Environment["CONFIGURATION"] = Metadata("Configuration");
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }
    public int StoragePort { get; }
    public string Host => $"http://127.0.0.1:{Port}";

    /// <summary>The connection string serve.sh printed for its Azurite.</summary>
    public string Storage => Lines.Select(l => l.Trim()).First(l => l.StartsWith("storage", StringComparison.Ordinal))["storage".Length..].Trim();

    /// <summary>The options that point the client at this instance, as serve.sh's "client" line says.</summary>
    public string[] Connection => ["--host", Host, "--storage", Storage];

    public string Output => string.Join('\n', Lines);

    private string[] Lines
    {
        get { lock (_output) return [.. _output]; }
    }

    public static async Task<ServeProcess> StartAsync(string dataDirectory)
    {
        var serve = new ServeProcess(dataDirectory);
        await Eventually.HoldsAsync(() =>
        {
            if (serve._process.HasExited) throw new InvalidOperationException($"serve.sh exited with {serve._process.ExitCode}:\n{serve.Output}");
            return serve.Lines.Contains("SelfTrain is running.");
        }, TimeSpan.FromMinutes(2), "serve.sh running", () => serve.Output);
        return serve;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", $"{_process.Id}"])) await term.WaitForExitAsync();
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(stopping.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }

    private static string Metadata(string key) =>
        typeof(ServeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    /// <summary>The first of <paramref name="count"/> consecutive free ports (Azurite's blob, queue and table).</summary>
    private static int FreeRange(int count)
    {
        for (var first = 20000 + Environment.ProcessId % 20000; ; first += count)
        {
            var listeners = new List<TcpListener>();
            try
            {
                for (var p = first; p < first + count; p++)
                {
                    var listener = new TcpListener(System.Net.IPAddress.Loopback, p);
                    listener.Start();
                    listeners.Add(listener);
                }
                return first;
            }
            catch (SocketException)
            {
                // taken: try the next range
            }
            finally
            {
                foreach (var listener in listeners) listener.Stop();
            }
        }
    }
}
