namespace SelfTrain.Trainer.Training;

/// <summary>Endless draws from a set without replacement within each pass: reshuffles whenever the set is used up.</summary>
public sealed class CyclingSampler(IReadOnlyList<int> items, Random random)
{
    private int[] _order = [];
    private int _next;

    public int Next()
    {
        if (items.Count == 0) throw new InvalidOperationException("Nothing to sample from.");
        if (_next == _order.Length)
        {
            _order = [.. items];
            random.Shuffle(_order);
            _next = 0;
        }
        return _order[_next++];
    }
}
