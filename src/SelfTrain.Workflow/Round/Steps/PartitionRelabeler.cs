using SelfTrain.Core.Labels;
using SelfTrain.Core.Telemetry;
using SelfTrain.Inference;
using SelfTrain.Serving;
using SelfTrain.Storage;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>Iterate: relabels one partition's images with the new champion, so the next round's teacher labels the pool.</summary>
public sealed class PartitionRelabeler(StorageAccount storage, StorageLayout layout, LabelStore labels, ModelLoader loader, ServingOptions options)
{
    public async Task<int> RelabelAsync(RelabelRequest request, CancellationToken cancellationToken = default)
    {
        using var span = SelfTrainTelemetry.StartRoundStep("relabel", model: request.Champion);
        using var champion = await loader.LoadAsync(request.Champion, cancellationToken);
        var incoming = storage.Blobs.GetBlobContainerClient(layout.Incoming);
        var rows = new List<LabelRecord>();
        await foreach (var row in labels.ReadPartitionAsync(request.Partition, cancellationToken))
            if (row.Status == LabelStatus.Labelled && row.ModelVersion != request.Champion) rows.Add(row);

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
