using SelfTrain.Storage;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>Plan: the champion is the teacher; the label store's partitions are the shards to build.</summary>
public sealed class RoundPlanner(ModelStore models, LabelStore labels)
{
    public async Task<RoundPlan> PlanAsync(CancellationToken cancellationToken = default)
    {
        var champion = await models.GetChampionAsync(cancellationToken)
            ?? throw new InvalidOperationException("There is no champion to teach: register a first model before running a round.");
        var manifest = await models.GetManifestAsync(champion.Pointer.Version, cancellationToken);
        return new RoundPlan(champion.Pointer.Version, manifest.Classes, labels.Partitions.ToArray());
    }
}
