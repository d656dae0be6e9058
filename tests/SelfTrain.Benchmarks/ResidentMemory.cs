namespace SelfTrain.Benchmarks;

/// <summary>Samples a process's resident memory (Linux: VmRSS) in the background and keeps the peak.</summary>
internal sealed class ResidentMemory : IAsyncDisposable
{
    private readonly int _processId;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public ResidentMemory(int processId)
    {
        _processId = processId;
        Baseline = Peak = Read();
        _sampling = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Peak = Math.Max(Peak, Read());
                await Task.Delay(10);
            }
        });
    }

    public long Baseline { get; }
    public long Peak { get; private set; }

    public static double Megabytes(long bytes) => Math.Round(bytes / 1048576.0, 1);

    private long Read()
    {
        foreach (var line in File.ReadLines($"/proc/{_processId}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        Peak = Math.Max(Peak, Read());
    }
}
