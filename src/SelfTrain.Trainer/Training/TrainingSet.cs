using SelfTrain.Core.Labels;
using SelfTrain.Core.Shards;
using SelfTrain.Core.Training;

namespace SelfTrain.Trainer.Training;

/// <summary>
/// A recipe's view of the samples: which are gold (hard labels), which are pool (soft or argmax teacher labels),
/// which are held back to measure accuracy, and the target distribution of each. Built once per job.
/// </summary>
public sealed class TrainingSet
{
    private TrainingSet(IReadOnlyList<ShardSample> samples, float[][] targets, int[] gold, int[] pool, int[] heldBack, int[] rejected)
    {
        Samples = samples;
        Targets = targets;
        Gold = gold;
        Pool = pool;
        HeldBack = heldBack;
        RejectedByThreshold = rejected;
    }

    public IReadOnlyList<ShardSample> Samples { get; }

    /// <summary>Per sample, the distribution the student is trained towards (one-hot for hard labels).</summary>
    public float[][] Targets { get; }

    public int[] Gold { get; }
    public int[] Pool { get; }
    public int[] HeldBack { get; }
    public int[] RejectedByThreshold { get; }

    public static TrainingSet Build(string recipe, RecipeHyperparameters hp, IReadOnlyList<ShardSample> samples, int classCount, Random random)
    {
        var goldAll = Enumerable.Range(0, samples.Count).Where(i => samples[i].Source == SampleSource.Gold).ToArray();
        var poolAll = Enumerable.Range(0, samples.Count).Where(i => samples[i].Source == SampleSource.Pseudo).ToArray();

        // Held back: a slice of gold when there is gold (so every recipe is measured on true labels), else of the pool.
        var heldFrom = goldAll.Length > 0 ? goldAll : poolAll;
        var shuffled = heldFrom.ToArray();
        random.Shuffle(shuffled);
        var heldCount = (int)Math.Round(shuffled.Length * hp.HeldBackShare);
        var heldBack = shuffled[..heldCount];
        var held = heldBack.ToHashSet();
        var gold = goldAll.Where(i => !held.Contains(i)).ToArray();
        var pool = poolAll.Where(i => !held.Contains(i)).ToArray();

        var targets = new float[samples.Count][];
        var rejected = Array.Empty<int>();
        switch (recipe)
        {
            case Recipes.NoisyStudent:
                var thresholds = hp.ClassThresholds;
                rejected = thresholds is null ? [] : pool.Where(i => Confidence(samples[i]) < thresholds[samples[i].TopClass]).ToArray();
                pool = pool.Except(rejected).ToArray();
                foreach (var i in pool) targets[i] = Soften(samples[i], classCount, hp.Temperature);
                break;
            case Recipes.Naive:
                gold = []; // the copying baseline sees no gold
                foreach (var i in pool) targets[i] = OneHot(samples[i].TopClass, classCount);
                break;
            case Recipes.Supervised:
                pool = [];
                break;
            default:
                throw new ArgumentException($"Unknown recipe '{recipe}'.", nameof(recipe));
        }
        foreach (var i in gold) targets[i] = OneHot(samples[i].TopClass, classCount);
        if (gold.Length + pool.Length == 0)
            throw new InvalidDataException($"Recipe '{recipe}' has no samples to train on ({goldAll.Length} gold, {poolAll.Length} pseudo, {rejected.Length} below the thresholds).");
        return new TrainingSet(samples, targets, gold, pool, heldBack, rejected);
    }

    /// <summary>
    /// The pool indices of one epoch, balanced per the mode, in random order. When balancing, every class's gold
    /// images join its pseudo-labels before it is balanced. A class that no pseudo-label reached (its threshold was out
    /// of reach) is so filled from its gold images: otherwise it appears only in each batch's gold share, the student
    /// learns to predict it less, and its recall falls (on Fashion-MNIST, shirts lost 20 points). A class that only its
    /// easiest images reached keeps its gold beside them rather than learning from those alone.
    /// </summary>
    public int[] PoolEpoch(BalanceMode mode, Random random, double maxOversampling = double.PositiveInfinity)
    {
        var classMembers = Pool.GroupBy(i => Samples[i].TopClass).ToDictionary(g => g.Key, g => g.ToArray());
        if (mode != BalanceMode.None && classMembers.Count > 0)
            foreach (var gold in Gold.GroupBy(i => Samples[i].TopClass))
                classMembers[gold.Key] = classMembers.TryGetValue(gold.Key, out var pseudo) ? [.. pseudo, .. gold] : gold.ToArray();
        var byClass = classMembers.OrderBy(c => c.Key).Select(c => c.Value).ToList();
        var epoch = new List<int>(Pool.Length);
        if (mode == BalanceMode.None || byClass.Count == 0)
            epoch.AddRange(Pool);
        else
        {
            var sizes = byClass.Select(c => c.Length).Order().ToArray();
            var target = mode == BalanceMode.Oversample ? sizes[^1] : sizes[sizes.Length / 2];
            foreach (var members in byClass)
            {
                var shuffled = members.ToArray();
                random.Shuffle(shuffled);
                var count = mode == BalanceMode.Cap ? Math.Min(target, shuffled.Length)
                    : (int)Math.Min(target, Math.Ceiling(shuffled.Length * maxOversampling));
                for (var k = 0; k < count; k++)
                {
                    epoch.Add(shuffled[k % shuffled.Length]);
                }
            }
        }
        var result = epoch.ToArray();
        random.Shuffle(result);
        return result;
    }

    private static float Confidence(ShardSample sample) => sample.Probabilities is { } p ? p.Max() : 1f;

    private static float[] OneHot(int index, int classCount)
    {
        var target = new float[classCount];
        target[index] = 1f;
        return target;
    }

    /// <summary>softmax(log p / T): the teacher's distribution at temperature T (T = 1 keeps it).</summary>
    private static float[] Soften(ShardSample sample, int classCount, double temperature)
    {
        if (sample.Probabilities is not { } p) return OneHot(sample.ClassIndex, classCount);
        if (temperature == 1) return [.. p];
        var logits = p.Select(v => (float)(Math.Log(Math.Max(v, 1e-12)) / temperature)).ToArray();
        Softmax.Apply(logits);
        return logits;
    }
}
