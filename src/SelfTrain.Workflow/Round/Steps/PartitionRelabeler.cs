using SelfTrain.Core.Labels;
using SelfTrain.Core.Telemetry;
using SelfTrain.Inference;
using SelfTrain.Serving;
using SelfTrain.Storage;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>
/// Relabels one partition's images with a model (the new champion when a round iterates, the teacher before label
/// propagation), so the pool is labelled by it; a partition it labelled already costs one read and no model load.
/// </summary>
public sealed class PartitionRelabeler(StorageAccount storage, StorageLayout layout, LabelStore labels, ModelLoader loader, ServingOptions options)
{
    public async Task<int> RelabelAsync(RelabelRequest request, CancellationToken cancellationToken = default)
    {
        using var span = SelfTrainTelemetry.StartRoundStep("relabel", model: request.Champion);
        var rows = new List<LabelRecord>();
        await foreach (var row in labels.ReadPartitionAsync(request.Partition, cancellationToken))
            if (row.Status == LabelStatus.Labelled && row.ModelVersion != request.Champion) rows.Add(row);
        if (rows.Count == 0) return 0;
        using var champion = await loader.LoadAsync(request.Champion, cancellationToken);
        var incoming = storage.Blobs.GetBlobContainerClient(layout.Incoming);

        var relabelled = 0;
        foreach (var chunk in rows.Chunk(options.BatchSize))
        {
            var images = new byte[]?[chunk.Length];
            await Parallel.ForEachAsync(Enumerable.Range(0, chunk.Length), cancellationToken,
                async (i, ct) => images[i] = await incoming.DownloadFirstExistingAsync(chunk[i].BlobNames, ct));
            var present = Enumerable.Range(0, chunk.Length).Where(i => images[i] is not null).ToArray();
            var updated = Relabelling.Apply(champion, present.Select(i => chunk[i]).ToArray(), present.Select(i => images[i]!).ToArray(), options.Limits)
                .OfType<LabelRecord>().ToArray();
            await labels.ReplaceLabelsAsync(updated, cancellationToken);
            relabelled += updated.Length;
        }
        return relabelled;
    }
}
