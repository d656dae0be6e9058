using SelfTrain.Core.Models;
using SelfTrain.Core.Telemetry;
using SelfTrain.Storage;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>
/// Plan: the champion is the teacher; the label store's partitions are the shards to build. With a second opinion
/// asked for, the champion's own teacher joins it when that model is stored and has the same classes. A round
/// without gold training or validation images cannot be judged, so it stops here with that reason.
/// </summary>
public sealed class RoundPlanner(ModelStore models, LabelStore labels, GoldStore gold)
{
    public async Task<RoundPlan> PlanAsync(bool secondOpinion = false, CancellationToken cancellationToken = default)
    {
        using var span = SelfTrainTelemetry.StartRoundStep("plan");
        var champion = await models.GetChampionAsync(cancellationToken)
            ?? throw new InvalidOperationException("There is no champion to teach: register a first model before running a round.");
        span?.SetTag(SelfTrainTelemetry.ModelTag, champion.Pointer.Version);
        foreach (var split in new[] { GoldSplit.Train, GoldSplit.Validation })
            if (await gold.CountAsync(split, cancellationToken) == 0)
                throw new InvalidOperationException($"gold/{GoldStore.Prefix(split)} holds no image: upload gold data (selftrain gold upload) before running a round.");
        var manifest = await models.GetManifestAsync(champion.Pointer.Version, cancellationToken);
        var second = secondOpinion ? await SecondOpinionAsync(manifest, cancellationToken) : null;
        return new RoundPlan(champion.Pointer.Version, manifest.Classes, labels.Partitions.ToArray(), second);
    }

    private async Task<string?> SecondOpinionAsync(ModelManifest champion, CancellationToken cancellationToken)
    {
        if (champion.Lineage?.Teacher is not { } previous || previous == champion.Version) return null;
        try
        {
            return (await models.GetManifestAsync(previous, cancellationToken)).Classes.SequenceEqual(champion.Classes) ? previous : null;
        }
        catch (ModelNotFoundException)
        {
            return null; // deleted since, or never registered here
        }
    }
}
