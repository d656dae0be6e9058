using SelfTrain.Core.Evaluation;
using SelfTrain.Core.Training;

namespace SelfTrain.Core.Tests.Training;

public sealed class TrainingJobTests
{
    private static TrainingJob Job() => new()
    {
        JobId = "round-3-student",
        Shards = ["round-3/part-0.shard", "round-3/part-1.shard"],
        Classes = ["cat", "dog", "bird"],
        Teacher = new TeacherReference("a-2024-01", "models/a-2024-01/manifest.json"),
        Architecture = "small-cnn",
        InputSize = 28,
        OutputVersion = "b-round-3",
        Hyperparameters = new RecipeHyperparameters { ClassThresholds = [0.9, 0.8, 0.95], Balance = BalanceMode.Cap },
    };

    [Fact]
    public void Json_round_trip_keeps_every_field()
    {
        var json = TrainingJobJson.Serialize(Job());
        Assert.Contains("\"recipe\": \"noisy-student\"", json);
        Assert.Contains("\"balance\": \"Cap\"", json);
        var read = TrainingJobJson.Deserialize(json, "jobs/round-3.json");
        Assert.Equal(Job().Shards, read.Shards);
        Assert.Equal(Job().Teacher, read.Teacher);
        Assert.Equal([0.9, 0.8, 0.95], read.Hyperparameters.ClassThresholds!);
        Assert.Equal(Job().Hyperparameters.Augmentation, read.Hyperparameters.Augmentation);
        Assert.Equal("0.9,0.8,0.95", read.Hyperparameters.ToLineage()["classThresholds"]);
    }

    [Fact]
    public void Invalid_job_lists_every_problem()
    {
        var job = Job() with
        {
            Recipe = "copy",
            Shards = [],
            InputSize = 4,
            Hyperparameters = new RecipeHyperparameters { ClassThresholds = [0.5], Epochs = 0 },
        };
        var error = Assert.Throws<InvalidDataException>(() => job.EnsureValid());
        Assert.Contains("shards must name at least one shard", error.Message);
        Assert.Contains("recipe 'copy' is unknown", error.Message);
        Assert.Contains("inputSize 4", error.Message);
        Assert.Contains("classThresholds must hold 3 values", error.Message);
        Assert.Contains("epochs 0", error.Message);
    }

    [Fact]
    public void A_class_no_cut_reaches_may_accept_nothing_but_a_threshold_above_that_is_a_problem()
    {
        var closed = Job() with { Hyperparameters = new RecipeHyperparameters { ClassThresholds = [0.9, ConfidenceThresholds.Never, 0.95] } };
        Assert.Empty(closed.Problems());
        var beyond = Job() with { Hyperparameters = new RecipeHyperparameters { ClassThresholds = [0.9, 1.5, 0.95] } };
        Assert.Contains(beyond.Problems(), p => p.StartsWith("classThresholds must hold 3 values", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void An_ema_decay_outside_0_to_1_is_a_problem_and_none_means_the_last_weights(double decay)
    {
        Assert.Contains((Job() with { Hyperparameters = new RecipeHyperparameters { EmaDecay = decay } }).Problems(),
            p => p.StartsWith("emaDecay", StringComparison.Ordinal));
        Assert.Empty((Job() with { Hyperparameters = new RecipeHyperparameters { EmaDecay = null } }).Problems());
        Assert.Empty((Job() with { Hyperparameters = new RecipeHyperparameters { EmaDecay = 0 } }).Problems());
    }

    [Fact]
    public void Pseudo_label_recipes_need_a_teacher_but_supervised_does_not()
    {
        Assert.Contains("recipe 'naive' needs a teacher", (Job() with { Recipe = Recipes.Naive, Teacher = null }).Problems());
        Assert.Empty((Job() with { Recipe = Recipes.Supervised, Teacher = null }).Problems());
    }

    [Fact]
    public void Malformed_json_names_its_source()
    {
        var error = Assert.Throws<InvalidDataException>(() => TrainingJobJson.Deserialize("{\"jobId\": 5", "jobs/bad.json"));
        Assert.StartsWith("jobs/bad.json is not a valid training job", error.Message);
    }
}
