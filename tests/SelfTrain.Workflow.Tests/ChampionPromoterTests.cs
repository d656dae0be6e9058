using SelfTrain.Storage;
using SelfTrain.Testing;
using SelfTrain.Workflow.Round;
using SelfTrain.Workflow.Round.Steps;

namespace SelfTrain.Workflow.Tests;

/// <summary>The round's promotion step: the champion moves only from the teacher the round started with.</summary>
public sealed class ChampionPromoterTests
{
    [Fact]
    public async Task Of_two_rounds_racing_to_promote_from_the_same_teacher_exactly_one_wins()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var models = new ModelStore(scope.Account, scope.Layout);
        var registry = new ModelRegistry(models, scope.Account, scope.Layout, TimeProvider.System);
        await models.RegisterChampionAsync(new LinearTestModel("teacher"));
        foreach (var candidate in new[] { "b", "c" })
        {
            var model = new LinearTestModel(candidate, seed: candidate[0]);
            await models.SaveAsync(model.Onnx, model.Manifest);
        }
        var promoter = new ChampionPromoter(scope.Account, scope.Layout, models, registry);

        var results = await Task.WhenAll(
            promoter.PromoteAsync(new PromotionRequest("b", "teacher", "round b")),
            promoter.PromoteAsync(new PromotionRequest("c", "teacher", "round c")));

        var winner = Assert.Single(results, r => r.Promoted);
        var loser = Assert.Single(results, r => !r.Promoted);
        Assert.Equal(winner.Champion, (await models.GetChampionAsync())!.Pointer.Version);
        Assert.Equal(winner.Champion, loser.Champion);
        Assert.False(string.IsNullOrEmpty(loser.Reason));
        var history = await registry.HistoryAsync();
        Assert.Equal([winner.Champion], history.Where(h => h.Kind == ChampionChangeKind.Promoted).Select(h => h.Version));
    }

    [Fact]
    public async Task A_round_whose_teacher_was_replaced_meanwhile_does_not_promote()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var models = new ModelStore(scope.Account, scope.Layout);
        await models.RegisterChampionAsync(new LinearTestModel("teacher"));
        await models.RegisterChampionAsync(new LinearTestModel("manual", seed: 2));
        var candidate = new LinearTestModel("candidate", seed: 3);
        await models.SaveAsync(candidate.Onnx, candidate.Manifest);
        var promoter = new ChampionPromoter(scope.Account, scope.Layout, models, new ModelRegistry(models, scope.Account, scope.Layout, TimeProvider.System));

        var result = await promoter.PromoteAsync(new PromotionRequest("candidate", "teacher", "late round"));

        Assert.False(result.Promoted);
        Assert.Equal("manual", result.Champion);
        Assert.Contains("changed to manual", result.Reason);
    }
}
