using SelfTrain.Core.Training;
using SelfTrain.Demo.Scenario;

namespace SelfTrain.Demo.Tests;

public sealed class AblationStepsTests
{
    private static readonly RecipeHyperparameters Round = new()
    {
        Epochs = 8,
        Temperature = 1.5,
        GoldShare = 0.3,
        Dropout = 0.2,
        ClassThresholds = [0.9, 0.8, 0.95],
        EmaDecay = 0.995,
        Augmentation = new AugmentationOptions { Flips = true, MaxShift = 3 },
    };

    [Fact]
    public void Each_step_adds_one_technique_to_the_step_before_and_the_last_is_the_round_s_recipe()
    {
        var steps = AblationSteps.Of(Round);

        Assert.Equal([AblationSteps.Thresholds, AblationSteps.SoftLabels, AblationSteps.Noise, AblationSteps.GoldAndClassFill, AblationSteps.WeightAveraging],
            steps.Select(s => s.Name));
        var (thresholds, soft, noise, fill, averaged) =
            (steps[0].Hyperparameters, steps[1].Hyperparameters, steps[2].Hyperparameters, steps[3].Hyperparameters, steps[4].Hyperparameters);
        Assert.Equal(Round with { ClassThresholds = null }, averaged);
        Assert.Equal(averaged with { EmaDecay = null }, fill);
        Assert.Equal(fill with { GoldShare = 0, Balance = BalanceMode.None }, noise);
        Assert.Equal(noise with { Dropout = 0, Augmentation = Round.Augmentation with { Translate = false, Flips = false, RandomErasing = false } }, soft);
        Assert.Equal(soft.Temperature, Round.Temperature);
        Assert.Equal(soft with { Temperature = thresholds.Temperature }, thresholds);
        Assert.True(thresholds.Temperature <= 0.01, "the first step learns the teacher's argmax");
        Assert.All(steps, step => Assert.Empty(step.Hyperparameters.Problems(classCount: 3)));
    }

    [Fact]
    public void A_round_that_does_not_average_its_weights_has_no_weight_averaging_step_and_ends_with_gold_and_class_fill()
    {
        var steps = AblationSteps.Of(Round with { EmaDecay = null });
        Assert.Equal([AblationSteps.Thresholds, AblationSteps.SoftLabels, AblationSteps.Noise, AblationSteps.GoldAndClassFill], steps.Select(s => s.Name));
        Assert.Equal(Round with { ClassThresholds = null, EmaDecay = null }, steps[^1].Hyperparameters);
    }

    [Fact]
    public void Only_the_steps_before_the_round_s_own_recipe_are_trained()
    {
        Assert.Equal(AblationSteps.Of(Round).Select(s => s.Name).SkipLast(1), AblationSteps.ToTrain(Round).Select(s => s.Name));
    }
}
