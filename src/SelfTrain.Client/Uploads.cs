namespace SelfTrain.Client;

/// <summary>Many small uploads in flight at once, each reported when done (a progress bar's tick).</summary>
public static class Uploads
{
    public const int Concurrency = 16;

    public static Task ForEachAsync(int count, Action uploaded, CancellationToken cancellationToken, Func<int, CancellationToken, Task> upload) =>
        Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                await upload(i, ct);
                uploaded();
            });
}
