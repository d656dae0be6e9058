using SelfTrain.Core.Shards;
using SelfTrain.Core.Training;
using SelfTrain.Trainer.Training;

namespace SelfTrain.Trainer.Tests;

/// <summary>What each recipe trains on: thresholds, gold, label form and class balance.</summary>
public sealed class TrainingSetTests
{
    private static readonly byte[] Pixels = new byte[4];

    private static ShardSample Pseudo(int top, float confidence)
    {
        var p = Enumerable.Repeat((1 - confidence) / 2, 3).ToArray();
        p[top] = confidence;
        return ShardSample.Soft(Pixels, p);
    }

    // 20 gold (class = i % 3); pool: 6 confident class-0, 2 unsure class-0, 3 confident class-1, 1 confident class-2.
    private static readonly List<ShardSample> Samples =
    [
        .. Enumerable.Range(0, 20).Select(i => ShardSample.Hard(Pixels, i % 3)),
        .. Enumerable.Repeat(0, 6).Select(_ => Pseudo(0, 0.9f)),
        .. Enumerable.Repeat(0, 2).Select(_ => Pseudo(0, 0.5f)),
        .. Enumerable.Repeat(0, 3).Select(_ => Pseudo(1, 0.8f)),
        Pseudo(2, 0.95f),
    ];

    private static readonly RecipeHyperparameters Hp = new() { ClassThresholds = [0.7, 0.7, 0.7], HeldBackShare = 0.1 };

    [Fact]
    public void Noisy_student_keeps_confident_pool_samples_as_soft_labels_and_holds_back_gold()
    {
        var set = TrainingSet.Build(Recipes.NoisyStudent, Hp, Samples, 3, new Random(1));
        Assert.Equal(2, set.HeldBack.Length);
        Assert.All(set.HeldBack, i => Assert.Equal(SampleSource.Gold, Samples[i].Source));
        Assert.Equal(18, set.Gold.Length);
        Assert.Equal(10, set.Pool.Length);
        Assert.Equal(2, set.RejectedByThreshold.Length);
        Assert.All(set.RejectedByThreshold, i => Assert.Equal(0.5f, Samples[i].Probabilities!.Max()));
        Assert.Equal(Samples[20].Probabilities, set.Targets[20]); // temperature 1 keeps the teacher's distribution
    }

    [Fact]
    public void Temperature_softens_the_teachers_distribution()
    {
        var set = TrainingSet.Build(Recipes.NoisyStudent, Hp with { Temperature = 2 }, Samples, 3, new Random(1));
        var target = set.Targets[20];
        // p^(1/2) normalized: sqrt(.9) / (sqrt(.9) + 2 sqrt(.05))
        Assert.Equal(Math.Sqrt(0.9) / (Math.Sqrt(0.9) + 2 * Math.Sqrt(0.05)), target[0], 5);
        Assert.Equal(1f, target.Sum(), 5);
    }

    [Fact]
    public void Naive_uses_every_pool_sample_with_its_argmax_and_no_gold()
    {
        var set = TrainingSet.Build(Recipes.Naive, Hp, Samples, 3, new Random(1));
        Assert.Empty(set.Gold);
        Assert.Equal(12, set.Pool.Length);
        Assert.Empty(set.RejectedByThreshold);
        Assert.Equal(new float[] { 1, 0, 0 }, set.Targets[26]); // an unsure class-0 sample, as a hard label
        Assert.Equal(2, set.HeldBack.Length); // still measured on gold
    }

    [Fact]
    public void Supervised_uses_gold_only_with_hard_labels()
    {
        var set = TrainingSet.Build(Recipes.Supervised, Hp, Samples, 3, new Random(1));
        Assert.Empty(set.Pool);
        Assert.Equal(18, set.Gold.Length);
        Assert.All(set.Gold, i => Assert.Equal(1f, set.Targets[i][Samples[i].ClassIndex]));
    }

    // Without a held-back slice the gold images per class are exact: 7 of class 0, 7 of class 1, 6 of class 2.
    private static readonly RecipeHyperparameters AllGold = Hp with { HeldBackShare = 0 };

    [Fact]
    public void Oversampling_repeats_a_class_at_most_the_given_factor()
    {
        var set = TrainingSet.Build(Recipes.NoisyStudent, AllGold, Samples, 3, new Random(1));
        var epoch = set.PoolEpoch(BalanceMode.Oversample, new Random(2), maxOversampling: 1.5);
        var counts = epoch.GroupBy(i => Samples[i].TopClass).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal((13, 13, 11), (counts[0], counts[1], counts[2])); // class 2 has 1 + 6 images: ⌈7 × 1.5⌉ copies, not 13
    }

    [Theory]
    [InlineData(BalanceMode.Oversample, 13, 13, 13)] // 6 + 7, 3 + 7 and 1 + 6 pool and gold images, raised to the largest
    [InlineData(BalanceMode.Cap, 10, 10, 7)] // capped at the median class
    [InlineData(BalanceMode.None, 6, 3, 1)] // the pool alone
    public void Pool_epochs_are_balanced_per_mode(BalanceMode mode, int class0, int class1, int class2)
    {
        var set = TrainingSet.Build(Recipes.NoisyStudent, AllGold, Samples, 3, new Random(1));
        var epoch = set.PoolEpoch(mode, new Random(2));
        var counts = epoch.GroupBy(i => Samples[i].TopClass).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal((class0, class1, class2), (counts[0], counts[1], counts[2]));
    }

    [Fact]
    public void A_class_no_pseudo_label_reached_is_filled_from_its_gold_images()
    {
        var hp = AllGold with { ClassThresholds = [0.7, 0.7, 0.99] }; // the one class-2 pool image (0.95) is rejected
        var set = TrainingSet.Build(Recipes.NoisyStudent, hp, Samples, 3, new Random(1));

        var epoch = set.PoolEpoch(BalanceMode.Oversample, new Random(2));

        var classTwo = epoch.Where(i => Samples[i].TopClass == 2).ToArray();
        Assert.All(classTwo, i => Assert.Contains(i, set.Gold));
        Assert.Equal(13, classTwo.Length); // raised to the largest class, as pool classes are
        Assert.Equal(13, epoch.Count(i => Samples[i].TopClass == 0));
    }

    [Fact]
    public void A_class_that_pseudo_labels_reached_is_balanced_with_its_gold_images_beside_them()
    {
        var set = TrainingSet.Build(Recipes.NoisyStudent, AllGold, Samples, 3, new Random(1));

        var classOne = set.PoolEpoch(BalanceMode.Oversample, new Random(2)).Where(i => Samples[i].TopClass == 1).ToHashSet();

        var pool = set.Pool.Where(i => Samples[i].TopClass == 1).ToArray();
        var gold = set.Gold.Where(i => Samples[i].TopClass == 1).ToArray();
        Assert.Equal((3, 7), (pool.Length, gold.Length));
        Assert.Superset(new HashSet<int>(pool.Concat(gold)), classOne);
    }

    [Fact]
    public void Without_balancing_the_pool_epoch_holds_pool_images_only()
    {
        var hp = Hp with { ClassThresholds = [0.7, 0.7, 0.99] };
        var set = TrainingSet.Build(Recipes.NoisyStudent, hp, Samples, 3, new Random(1));
        Assert.All(set.PoolEpoch(BalanceMode.None, new Random(2)), i => Assert.Contains(i, set.Pool));
    }

    [Fact]
    public void A_recipe_with_nothing_to_train_on_is_an_error()
    {
        var onlyPool = Samples.Skip(20).ToList();
        var error = Assert.Throws<InvalidDataException>(() => TrainingSet.Build(Recipes.Supervised, Hp, onlyPool, 3, new Random(1)));
        Assert.Contains("no samples to train on", error.Message);
    }
}
