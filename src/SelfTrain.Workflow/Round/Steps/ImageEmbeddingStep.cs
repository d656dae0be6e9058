using Azure;
using Azure.AI.Inference;
using SelfTrain.Core.Embeddings;
using SelfTrain.Core.Labels;
using SelfTrain.Core.Models;
using SelfTrain.Core.Telemetry;
using SelfTrain.Inference;
using SelfTrain.Storage;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>
/// The round's embedding view, first half: gold and pool images embedded through an Azure AI Model Inference
/// image-embeddings endpoint with the real <see cref="ImageEmbeddingsClient"/>, stored once per image and embedding
/// model (<see cref="EmbeddingStore"/>); a step embeds only what its set lacks. Gold is embedded once per round and
/// yields the outlier floor; each partition is embedded in the shard fan-out.
/// </summary>
public sealed class ImageEmbeddingStep(EmbeddingsEndpoint endpoint, EmbeddingStore store, GoldStore gold, LabelStore labels, StorageAccount storage,
    StorageLayout layout, EmbeddingsEndpointOptions options)
{
    private const int DownloadConcurrency = 8;

    public async Task<EmbeddingViewPlan> EmbedGoldAsync(EmbeddingViewPolicy policy, CancellationToken cancellationToken = default)
    {
        var info = (await endpoint.Client.GetModelInfoAsync(cancellationToken)).Value;
        var model = info.ModelName;
        if (!ModelManifest.IsValidVersion(model))
            throw new InvalidOperationException($"The embeddings endpoint names its model '{model}', which cannot name a stored set: {ModelManifest.VersionRule(model)}.");
        using var span = SelfTrainTelemetry.StartRoundStep("embed_gold", model: model);

        var sets = new Dictionary<GoldSplit, EmbeddingSet>();
        int images = 0, embedded = 0;
        foreach (var split in Enum.GetValues<GoldSplit>())
        {
            var listed = await gold.ListAsync(split, cancellationToken);
            var (set, added) = await EmbedMissingAsync(model, EmbeddingStore.GoldSet(split), listed, image => image.BlobName,
                async (image, ct) => await gold.DownloadAsync(image.BlobName, ct), cancellationToken);
            sets[split] = set;
            images += listed.Count;
            embedded += added;
        }
        var dimensions = sets.Values.Select(s => s.Dimensions).FirstOrDefault(d => d > 0);
        double? outlierSimilarity = policy.OutlierPercentile is { } percentile
            ? EmbeddingView.OutlierSimilarity(new NeighbourIndex(EmbeddingSet.Concat(model, dimensions, [sets[GoldSplit.Train], sets[GoldSplit.Validation]])), percentile)
            : null;
        return new EmbeddingViewPlan(model, dimensions, policy.NearDuplicateSimilarity, outlierSimilarity, images, embedded);
    }

    /// <returns>The images embedded now (not those the set already had).</returns>
    public async Task<int> EmbedPartitionAsync(PartitionEmbeddingRequest request, CancellationToken cancellationToken = default)
    {
        using var span = SelfTrainTelemetry.StartRoundStep("embed_partition", model: request.Model);
        var rows = new List<LabelRecord>();
        await foreach (var row in labels.ReadPartitionAsync(request.Partition, cancellationToken))
            if (row.Status == LabelStatus.Labelled) rows.Add(row);
        var incoming = storage.Blobs.GetBlobContainerClient(layout.Incoming);
        var (_, added) = await EmbedMissingAsync(request.Model, EmbeddingStore.PoolSet(request.Partition), rows, row => row.Content.Hex,
            (row, ct) => incoming.DownloadFirstExistingAsync(row.BlobNames, ct), cancellationToken);
        span?.SetTag("selftrain.embedded", added);
        return added;
    }

    /// <summary>The stored set grown by the items it lacks; an item whose image is gone or refused stays out.</summary>
    private async Task<(EmbeddingSet Set, int Added)> EmbedMissingAsync<T>(string model, string setName, IReadOnlyList<T> items, Func<T, string> key,
        Func<T, CancellationToken, Task<byte[]?>> download, CancellationToken cancellationToken)
    {
        var existing = await store.ReadAsync(model, setName, cancellationToken);
        var have = existing?.Keys.ToHashSet(StringComparer.Ordinal) ?? [];
        var missing = items.Where(item => !have.Contains(key(item))).DistinctBy(key).ToArray();
        if (missing.Length == 0 && existing is not null) return (existing, 0);

        var keys = new List<string>();
        var vectors = new List<float>();
        var dimensions = existing?.Dimensions ?? 0;
        foreach (var chunk in missing.Chunk(options.BatchSize))
        {
            var images = new byte[]?[chunk.Length];
            await Parallel.ForEachAsync(Enumerable.Range(0, chunk.Length),
                new ParallelOptions { MaxDegreeOfParallelism = DownloadConcurrency, CancellationToken = cancellationToken },
                async (i, ct) => images[i] = await download(chunk[i], ct));
            var present = Enumerable.Range(0, chunk.Length).Where(i => images[i] is not null).ToArray();
            if (present.Length == 0) continue;
            var embeddings = await EmbedAsync(model, present.Select(i => images[i]!).ToArray(), cancellationToken);
            for (var k = 0; k < present.Length; k++)
            {
                if (embeddings[k] is not { } embedding) continue;
                if (dimensions == 0) dimensions = embedding.Length;
                if (embedding.Length != dimensions)
                    throw new InvalidDataException($"The embeddings endpoint returned {embedding.Length} dimensions for '{model}', which embedded in {dimensions} before.");
                keys.Add(key(chunk[present[k]]));
                vectors.AddRange(embedding);
            }
        }
        if (dimensions == 0) return (existing ?? EmbeddingSet.Empty(model, 1), 0);
        var grown = EmbeddingSet.Concat(model, dimensions, [existing ?? EmbeddingSet.Empty(model, dimensions), new EmbeddingSet(model, dimensions, keys, [.. vectors])]);
        await store.WriteAsync(setName, grown, cancellationToken);
        return (grown, keys.Count);
    }

    /// <summary>
    /// One request for the batch; the contract refuses a whole batch for one bad image, so a refused batch is sent
    /// again one image at a time and only the refused images come back null.
    /// </summary>
    private async Task<float[]?[]> EmbedAsync(string model, byte[][] images, CancellationToken cancellationToken)
    {
        try
        {
            var input = images.Select(image => new ImageEmbeddingInput($"data:{ImageDecoder.MediaType(image) ?? "image/png"};base64,{Convert.ToBase64String(image)}")).ToList();
            var result = (await endpoint.Client.EmbedAsync(new ImageEmbeddingsOptions(input) { Model = model }, cancellationToken)).Value;
            // Embeddings of two models must never mix: a champion swapped mid-round changes what the endpoint serves.
            if (!string.IsNullOrEmpty(result.Model) && result.Model != model)
                throw new InvalidOperationException($"The embeddings endpoint now serves '{result.Model}', not the round's '{model}'; start the round again.");
            var embeddings = new float[]?[images.Length];
            foreach (var item in result.Data)
            {
                if (item.Index < 0 || item.Index >= images.Length)
                    throw new InvalidDataException($"The embeddings endpoint answered for input {item.Index} of {images.Length}.");
                embeddings[item.Index] = item.Embedding.ToObjectFromJson<float[]>();
            }
            return embeddings;
        }
        catch (RequestFailedException ex) when (ex.Status is 400 or 413 && images.Length > 1)
        {
            var one = new float[]?[images.Length];
            for (var i = 0; i < images.Length; i++) one[i] = (await EmbedAsync(model, [images[i]], cancellationToken))[0];
            return one;
        }
        catch (RequestFailedException ex) when (ex.Status == 413 || ex.ErrorCode == "InvalidImage")
        {
            // This image alone is refused; anything else (a wrong model, a bad key) fails the step loudly.
            return [null];
        }
    }
}
