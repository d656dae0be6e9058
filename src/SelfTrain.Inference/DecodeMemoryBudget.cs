using System.Threading.RateLimiting;

namespace SelfTrain.Inference;

/// <summary>
/// The bytes of decoded pixels a process may hold at once. Every whole-image decode takes its size from
/// <see cref="Shared"/> first and gives it back when its bitmap is disposed, so a burst of large images waits its turn
/// instead of exhausting memory (the byte and pixel limits bound one image; this bounds them together). Shared by the
/// process because memory is; a weighted <see cref="ConcurrencyLimiter"/> in megabyte permits does the counting.
/// </summary>
public sealed class DecodeMemoryBudget
{
    public const long DefaultBytes = 256L * 1024 * 1024;
    private const long PermitBytes = 1024 * 1024;
    private static readonly Lock Configuring = new();

    private readonly ConcurrencyLimiter _limiter;

    public DecodeMemoryBudget(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, PermitBytes);
        Bytes = bytes;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = (int)Math.Min(int.MaxValue, bytes / PermitBytes),
            QueueLimit = (int)Math.Min(int.MaxValue, bytes / PermitBytes * 16),
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public static DecodeMemoryBudget Shared { get; private set; } = new(DefaultBytes);

    public long Bytes { get; }

    /// <summary>Sets the process's budget (hosts do, from <c>Serving:DecodeMemoryBudgetBytes</c>); decodes in flight keep their leases.</summary>
    public static void Configure(long bytes)
    {
        lock (Configuring)
            if (Shared.Bytes != bytes) Shared = new DecodeMemoryBudget(bytes);
    }

    /// <summary>
    /// Waits until <paramref name="bytes"/> fit (an image larger than the whole budget waits for all of it) and returns
    /// the lease to dispose when those bytes are freed.
    /// </summary>
    public RateLimitLease Acquire(long bytes)
    {
        if (TryAcquire(bytes) is { } lease) return lease;
        // Callers are few and bounded (request concurrency limits, labelling batches on the cores), so waiting blocks
        // at most that many threads.
        lease = _limiter.AcquireAsync(Permits(bytes)).AsTask().GetAwaiter().GetResult();
        return lease.IsAcquired ? lease
            : throw new InvalidOperationException($"More than {Bytes * 16:N0} bytes of images are waiting to be decoded; try again later.");
    }

    /// <summary>The lease if <paramref name="bytes"/> fit now; null otherwise.</summary>
    public RateLimitLease? TryAcquire(long bytes)
    {
        var lease = _limiter.AttemptAcquire(Permits(bytes));
        if (lease.IsAcquired) return lease;
        lease.Dispose();
        return null;
    }

    private int Permits(long bytes) => (int)Math.Clamp((bytes + PermitBytes - 1) / PermitBytes, 1, Bytes / PermitBytes);
}
