using SelfTrain.Core.Data;
using SelfTrain.Demo.Scenario;

namespace SelfTrain.Demo.Tests;

public sealed class FashionMnistSplitsTests
{
    [Fact]
    public void Gold_and_pool_are_consecutive_training_images_and_the_test_split_is_halved()
    {
        var splits = FashionMnistSplits.Load(gold: 500, pool: 2000);
        var train = FashionMnist.LoadTrain();
        var test = FashionMnist.LoadTest();

        Assert.Equal((500, 2000, 5000, 5000), (splits.GoldTrain.Count, splits.Pool.Count, splits.Validation.Count, splits.Test.Count));
        Assert.True(splits.GoldTrain.Image(499).SequenceEqual(train.Image(499)));
        Assert.True(splits.Pool.Image(0).SequenceEqual(train.Image(500)));
        Assert.Equal(train.Labels[2499], splits.Pool.Labels[1999]);
        Assert.True(splits.Validation.Image(4999).SequenceEqual(test.Image(4999)));
        Assert.True(splits.Test.Image(0).SequenceEqual(test.Image(5000)));
    }

    [Fact]
    public void Without_a_pool_size_every_remaining_training_image_is_in_the_pool() =>
        Assert.Equal(58_000, FashionMnistSplits.Load(gold: 2000, pool: null).Pool.Count);

    [Theory]
    [InlineData(0, 10)]
    [InlineData(60_000, 10)]
    [InlineData(2000, 58_001)]
    [InlineData(2000, 0)]
    public void Sizes_outside_the_data_set_are_refused_with_the_flag_to_change(int gold, int pool)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => FashionMnistSplits.Load(gold, pool));
        Assert.Contains(gold is < 1 or >= 60_000 ? "--gold" : "--pool", error.Message);
    }
}
