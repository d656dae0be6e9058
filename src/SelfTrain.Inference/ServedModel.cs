namespace SelfTrain.Inference;

/// <summary>
/// The model currently served, swappable while requests run. A caller holds a lease for the length of its work;
/// a replaced model is disposed only when its last lease ends, so a swap never fails a request in flight.
/// </summary>
public sealed class ServedModel : IDisposable
{
    private Entry? _current;

    public string? Version => Volatile.Read(ref _current)?.Classifier.Manifest.Version;

    /// <summary>A lease on the current model, or null when none is loaded yet.</summary>
    public ModelLease? TryAcquire()
    {
        while (true)
        {
            var entry = Volatile.Read(ref _current);
            if (entry is null) return null;
            if (entry.TryRetain()) return new ModelLease(entry);
            // Lost a race with a swap that released the last reference: read the new current one.
        }
    }

    /// <summary>Serves <paramref name="next"/> from now on; the previous model goes when its last lease does.</summary>
    public void Swap(OnnxClassifier next)
    {
        var previous = Interlocked.Exchange(ref _current, new Entry(next));
        previous?.Release();
    }

    public void Dispose() => Interlocked.Exchange(ref _current, null)?.Release();

    internal sealed class Entry(OnnxClassifier classifier)
    {
        private int _references = 1; // the ServedModel's own

        public OnnxClassifier Classifier { get; } = classifier;

        public bool TryRetain()
        {
            var seen = Volatile.Read(ref _references);
            while (seen > 0)
            {
                var actual = Interlocked.CompareExchange(ref _references, seen + 1, seen);
                if (actual == seen) return true;
                seen = actual;
            }
            return false;
        }

        public void Release()
        {
            if (Interlocked.Decrement(ref _references) == 0) Classifier.Dispose();
        }
    }
}

/// <summary>Keeps one model version alive while its holder uses it.</summary>
public sealed class ModelLease : IDisposable
{
    private ServedModel.Entry? _entry;

    internal ModelLease(ServedModel.Entry entry) => _entry = entry;

    public OnnxClassifier Classifier => (_entry ?? throw new ObjectDisposedException(nameof(ModelLease))).Classifier;

    public void Dispose() => Interlocked.Exchange(ref _entry, null)?.Release();
}
