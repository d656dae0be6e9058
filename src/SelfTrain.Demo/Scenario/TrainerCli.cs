using System.Diagnostics;

namespace SelfTrain.Demo.Scenario;

/// <summary>Runs the trainer executable (the same program the training worker is) with its output in a log file.</summary>
public sealed class TrainerCli(string executable, string logDirectory)
{
    public async Task RunAsync(string logName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var logPath = Path.Combine(logDirectory, $"trainer-{logName}.log");
        int exitCode;
        using (var log = new StreamWriter(logPath) { AutoFlush = true })
        using (var process = new Process { StartInfo = new ProcessStartInfo(executable, arguments) { RedirectStandardOutput = true, RedirectStandardError = true } })
        {
            void Write(object? _, DataReceivedEventArgs e)
            {
                if (e.Data is null) return;
                lock (log) log.WriteLine(e.Data);
            }
            process.OutputDataReceived += Write;
            process.ErrorDataReceived += Write;
            if (!process.Start()) throw new InvalidOperationException($"Cannot start {executable}.");
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            exitCode = process.ExitCode;
        }
        if (exitCode != 0)
        {
            var tail = string.Join('\n', File.ReadLines(logPath).TakeLast(15));
            throw new TrainerFailedException(exitCode, $"The trainer's {arguments[0]} command failed (exit code {exitCode}); {logPath} ends with:\n{tail}");
        }
    }
}

public sealed class TrainerFailedException(int exitCode, string message) : InvalidOperationException(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>Killed by a signal (128 + n), as a native abort in libtorch is, rather than refusing its input (1).</summary>
    public bool Crashed => ExitCode > 128;
}
