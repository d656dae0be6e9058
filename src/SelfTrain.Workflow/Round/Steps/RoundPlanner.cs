using SelfTrain.Core.Telemetry;
using SelfTrain.Storage;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>
/// Plan: the champion is the teacher; the label store's partitions are the shards to build. A round without gold
/// training or validation images cannot be judged, so it stops here with that reason.
/// </summary>
public sealed class RoundPlanner(ModelStore models, LabelStore labels, GoldStore gold)
{
    public async Task<RoundPlan> PlanAsync(CancellationToken cancellationToken = default)
    {
        using var span = SelfTrainTelemetry.StartRoundStep("plan");
        var champion = await models.GetChampionAsync(cancellationToken)
            ?? throw new InvalidOperationException("There is no champion to teach: register a first model before running a round.");
        foreach (var split in new[] { GoldSplit.Train, GoldSplit.Validation })
            if (await gold.CountAsync(split, cancellationToken) == 0)
                throw new InvalidOperationException($"gold/{GoldStore.Prefix(split)} holds no image: upload gold data (selftrain gold upload) before running a round.");
        var manifest = await models.GetManifestAsync(champion.Pointer.Version, cancellationToken);
        return new RoundPlan(champion.Pointer.Version, manifest.Classes, labels.Partitions.ToArray());
    }
}
