using Spectre.Console;

namespace SelfTrain.Demo.Scenario;

/// <summary>Many small uploads in flight at once, each ticking a progress bar.</summary>
public static class Uploads
{
    public const int Concurrency = 16;

    public static Task ForEachAsync(int count, ProgressTask progress, CancellationToken cancellationToken, Func<int, CancellationToken, Task> upload) =>
        Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                await upload(i, ct);
                progress.Increment(1);
            });
}
