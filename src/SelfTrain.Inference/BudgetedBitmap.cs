using System.Threading.RateLimiting;
using SkiaSharp;

namespace SelfTrain.Inference;

/// <summary>A decoded bitmap that gives its bytes back to the <see cref="DecodeMemoryBudget"/> when it is disposed.</summary>
internal sealed class BudgetedBitmap(SKImageInfo info, RateLimitLease lease) : SKBitmap(info)
{
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        lease.Dispose();
    }
}
