using SelfTrain.Core.Models;
using SelfTrain.Storage;
using SelfTrain.Testing;
using SelfTrain.Workflow.Round.Steps;

namespace SelfTrain.Workflow.Tests;

/// <summary>The plan's second opinion: the champion's own teacher, only when it is there to ask and speaks the same classes.</summary>
public sealed class RoundPlannerTests
{
    [Fact]
    public async Task The_second_opinion_is_the_champion_s_own_teacher_when_it_is_stored_with_the_same_classes()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var (models, planner) = await SeedAsync(scope);
        await SaveAsync(models, new LinearTestModel("elder"));
        await SaveAsync(models, new LinearTestModel("other-classes", classes: 5));
        await SaveAsync(models, new LinearTestModel("orphan"), teacher: "never-stored");
        await SaveAsync(models, new LinearTestModel("student"), teacher: "elder");
        await SaveAsync(models, new LinearTestModel("odd-student"), teacher: "other-classes");

        async Task<string?> SecondOpinionOf(string champion, bool asked = true)
        {
            var current = await models.GetChampionAsync();
            Assert.True(await models.TrySetChampionAsync(champion, "test", current));
            return (await planner.PlanAsync(asked)).SecondOpinion;
        }

        Assert.Equal("elder", await SecondOpinionOf("student"));
        Assert.Null(await SecondOpinionOf("student", asked: false));
        Assert.Null(await SecondOpinionOf("elder")); // trained on gold: no teacher of its own
        Assert.Null(await SecondOpinionOf("orphan")); // its teacher is not stored here
        Assert.Null(await SecondOpinionOf("odd-student")); // its teacher has other classes
    }

    private static async Task SaveAsync(ModelStore models, LinearTestModel model, string? teacher = null) =>
        await models.SaveAsync(model.Onnx, teacher is null ? model.Manifest
            : model.Manifest with { Lineage = new ModelLineage { Teacher = teacher, Recipe = "noisy-student" } });

    private static async Task<(ModelStore Models, RoundPlanner Planner)> SeedAsync(StorageTestScope scope)
    {
        var models = new ModelStore(scope.Account, scope.Layout);
        var gold = new GoldStore(scope.Account, scope.Layout);
        await gold.SetClassesAsync(new LinearTestModel("classes").Classes);
        foreach (var split in new[] { GoldSplit.Train, GoldSplit.Validation })
            await gold.UploadAsync(split, 0, "0.png", BinaryData.FromBytes(TestImages.Png(8, 8, seed: 1)));
        return (models, new RoundPlanner(models, new LabelStore(scope.Account, scope.Layout), gold));
    }
}
