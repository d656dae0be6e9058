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
        var shas = new Dictionary<string, string>();
        foreach (var candidate in new[] { "b", "c" })
        {
            var model = new LinearTestModel(candidate, seed: candidate[0]);
            shas[candidate] = (await models.SaveCandidateAsync(model.Onnx, model.Manifest)).Sha256!;
        }
        var promoter = new ChampionPromoter(models, registry);

        var results = await Task.WhenAll(
            promoter.PromoteAsync(new PromotionRequest("b", shas["b"], "teacher", "round b")),
            promoter.PromoteAsync(new PromotionRequest("c", shas["c"], "teacher", "round c")));

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
        var stored = await models.SaveCandidateAsync(candidate.Onnx, candidate.Manifest);
        var promoter = new ChampionPromoter(models, new ModelRegistry(models, scope.Account, scope.Layout, TimeProvider.System));

        var result = await promoter.PromoteAsync(new PromotionRequest("candidate", stored.Sha256!, "teacher", "late round"));

        Assert.False(result.Promoted);
        Assert.Equal("manual", result.Champion);
        Assert.Contains("changed to manual", result.Reason);
    }

    [Fact]
    public async Task Attack_a_candidate_replaced_after_validation_is_not_promoted()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var models = new ModelStore(scope.Account, scope.Layout);
        await models.RegisterChampionAsync(new LinearTestModel("teacher"));
        var validated = new LinearTestModel("candidate", seed: 3);
        var validatedSha = ModelStore.Sha256Of(validated.Onnx);
        // Between validation and promotion, someone with write access to candidates/ swaps in other weights (with a
        // manifest that matches them, so only the validated hash can tell).
        var swapped = new LinearTestModel("candidate", seed: 4);
        await models.SaveCandidateAsync(swapped.Onnx, swapped.Manifest);
        var promoter = new ChampionPromoter(models, new ModelRegistry(models, scope.Account, scope.Layout, TimeProvider.System));

        var result = await promoter.PromoteAsync(new PromotionRequest("candidate", validatedSha, "teacher", "round"));

        Assert.False(result.Promoted);
        Assert.Equal("teacher", result.Champion);
        Assert.Contains(validatedSha, result.Reason);
        Assert.Equal("teacher", (await models.GetChampionAsync())!.Pointer.Version);
        await Assert.ThrowsAsync<ModelNotFoundException>(() => models.LoadAsync("candidate"));
    }
}
