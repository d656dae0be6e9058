using SelfTrain.Trainer.Students;
using TorchSharp;
using static TorchSharp.torch;

namespace SelfTrain.Trainer.Training;

/// <summary>
/// An exponential moving average of a student's weights (and its BatchNorm statistics), updated after every
/// optimizer step: the averaged network is what the job exports. Averaging over the last few hundred steps smooths
/// out what the last batches' noisy pseudo-labels pulled the weights towards. The decay warms up as
/// (1 + step) / (10 + step), so the average is not dominated by the random initial weights in a short run: until the
/// warm-up reaches the decay it weighs about the last tenth of the steps.
/// </summary>
public sealed class WeightAverage : IDisposable
{
    private readonly Tensor[] _live;
    private readonly Tensor[] _averaged;
    private readonly double _decay;
    private int _updates;

    /// <param name="live">A student built by <see cref="StudentFactory"/>.</param>
    /// <param name="dropout">The live network's dropout, so the copy has the same layers.</param>
    public WeightAverage(StudentNetwork live, double dropout, double decay)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decay);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(decay, 1);
        var averaged = StudentFactory.Create(live.Architecture, live.Channels, live.InputSize, live.ClassCount, dropout);
        averaged.to(live.parameters().First().device);
        Averaged = averaged;
        _decay = decay;
        _live = [.. live.parameters(), .. live.buffers()];
        _averaged = [.. averaged.parameters(), .. averaged.buffers()];
        if (_averaged.Length != _live.Length)
            throw new ArgumentException($"The student has {_live.Length} weight tensors where {nameof(StudentFactory)} builds {_averaged.Length}.", nameof(live));
        using var _ = no_grad();
        for (var i = 0; i < _live.Length; i++) _averaged[i].copy_(_live[i]);
        averaged.eval();
    }

    /// <summary>The network holding the average; always in eval mode.</summary>
    public StudentNetwork Averaged { get; }

    /// <summary>Moves the average towards the live weights; call after each optimizer step.</summary>
    public void Update()
    {
        _updates++;
        var decay = Math.Min(_decay, (1.0 + _updates) / (10.0 + _updates));
        // The Scalars are held for the whole loop: TorchSharp does not keep a temporary one alive across the native call.
        using var keep = decay.ToScalar();
        using var take = (1 - decay).ToScalar();
        using var _ = no_grad();
        for (var i = 0; i < _live.Length; i++) _averaged[i].mul_(keep).add_(_live[i], take);
    }

    public void Dispose() => Averaged.Dispose();
}
