using SelfTrain.Core.Embeddings;
using SelfTrain.Core.Labels;
using SelfTrain.Core.Models;
using SelfTrain.Core.Shards;
using SelfTrain.Core.Telemetry;
using SelfTrain.Inference;
using SelfTrain.Serving;
using SelfTrain.Storage;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>
/// Fan-out: turns one label-store partition (or the gold training split) into one training shard. The teacher judges
/// every labelled pool image: a row another version labelled (an earlier champion, before a promotion, rollback or
/// manual change) is labelled again by the teacher first, and the row updated. An image is kept when the teacher's
/// confidence passes its class's threshold, stored with the teacher's soft probabilities at the student's input size
/// and channels. With a second opinion, both models judge each image and the sample carries the mean of their
/// probabilities (the row keeps the teacher's own label). A shard's name depends only on the round and partition, so a retried step overwrites its own shard
/// rather than adding samples. Everything streams — rows from the table, a chunk of images at a time downloaded,
/// relabelled in one batch and decoded in parallel, samples onto a disk spool, the spool into the blob — so a
/// partition of any size costs one chunk of images in memory; samples keep the table's order (by content hash).
/// With the round's embedding view, a row whose image copies a held-out gold image, or lies outside the gold set, is
/// kept out before anything else (and counted per class); a row not embedded yet is judged by the teacher alone.
/// With label propagation, a row propagation scored is judged by its propagated scores against their own thresholds
/// and carries them as its soft label; what the teacher alone would have accepted is counted beside.
/// </summary>
public sealed class ShardBuilder(StorageAccount storage, StorageLayout layout, LabelStore labels, GoldStore gold, ModelLoader loader,
    ServingOptions options, EmbeddingStore embeddings, PropagatedScoreStore propagatedScores)
{
    /// <summary>Images downloaded and decoded together; what a shard step holds in memory at once.</summary>
    public const int ChunkSize = 256;

    public static string PoolShard(string roundId, string partition) => $"{roundId}/pool-{partition}.shard";
    public static string GoldShard(string roundId) => $"{roundId}/gold.shard";

    public async Task<ShardCounts> BuildPoolShardAsync(ShardRequest request, CancellationToken cancellationToken = default)
    {
        using var span = SelfTrainTelemetry.StartRoundStep("shard", request.RoundId, request.Teacher);
        int belowThreshold = 0, unusable = 0, relabelled = 0;
        bool Passes(Prediction p) => request.Thresholds is not { } t || p.Confidence >= t[p.ClassIndex];
        var view = request.View is { } plan ? await PartitionViewAsync(plan, request.Partition, request.Classes, cancellationToken) : null;
        var propagated = request.PropagatedThresholds is { } limits
            ? new PropagatedScores(await propagatedScores.ReadAsync(request.RoundId, request.Partition, cancellationToken), limits)
            : null;
        var teacherPerClass = propagated is null ? null : new int[request.Classes];

        // A row the teacher labelled is judged before its image is downloaded (unless a second opinion must see the
        // image too); any other is judged once relabelled.
        async IAsyncEnumerable<LabelRecord> Candidates()
        {
            await foreach (var row in labels.ReadPartitionAsync(request.Partition, cancellationToken))
            {
                if (row.Status != LabelStatus.Labelled || row.Prediction is null) { unusable++; continue; }
                if (view is not null && !view.Keeps(row)) continue;
                if (propagated?.Of(row) is { } scores)
                {
                    if (row.ModelVersion == request.Teacher && Passes(row.Prediction) && row.Prediction.ClassIndex < request.Classes)
                        teacherPerClass![row.Prediction.ClassIndex]++;
                    if (!propagated.Passes(scores)) { belowThreshold++; continue; }
                }
                else if (request.SecondOpinion is null && row.ModelVersion == request.Teacher && !Passes(row.Prediction)) { belowThreshold++; continue; }
                yield return row;
            }
        }

        var incoming = storage.Blobs.GetBlobContainerClient(layout.Incoming);
        OnnxClassifier? teacher = null, second = null;
        async Task<ShardSample?[]> SamplesAsync(LabelRecord[] rows, CancellationToken ct)
        {
            var images = await DownloadAsync(rows, (row, c) => incoming.DownloadFirstExistingAsync(row.BlobNames, c), ct);
            var stale = Enumerable.Range(0, rows.Length).Where(i => images[i] is not null && rows[i].ModelVersion != request.Teacher).ToArray();
            if (stale.Length > 0)
            {
                teacher ??= await loader.LoadAsync(request.Teacher, ct);
                var updated = Relabelling.Apply(teacher, stale.Select(i => rows[i]).ToArray(), stale.Select(i => images[i]!).ToArray(), options.Limits);
                await labels.ReplaceLabelsAsync(updated.OfType<LabelRecord>().ToArray(), ct);
                for (var k = 0; k < stale.Length; k++)
                {
                    if (updated[k] is { } row) rows[stale[k]] = row;
                    else images[stale[k]] = null; // the teacher cannot read it
                }
                relabelled += updated.Count(u => u is not null);
            }
            var judged = rows.Select(r => r.Prediction!).ToArray();
            if (request.SecondOpinion is { } version)
            {
                second ??= await loader.LoadAsync(version, ct);
                var present = Enumerable.Range(0, rows.Length).Where(i => images[i] is not null).ToArray();
                var outcomes = ImageClassifier.Classify(second, present.Select(i => images[i]!).ToArray(), options.Limits);
                for (var k = 0; k < present.Length; k++)
                {
                    // The thresholds are the committee's: an image only one of them can read cannot be judged by them.
                    if (outcomes[k].Prediction is { } view) judged[present[k]] = Committee.Join(judged[present[k]], [view], second.Manifest.Classes);
                    else images[present[k]] = null;
                }
            }
            var softLabels = new float[rows.Length][];
            for (var i = 0; i < rows.Length; i++)
            {
                if (images[i] is null) { unusable++; continue; } // every upload of it is gone, or the teacher (or its second opinion) refused it
                if (propagated?.Of(rows[i]) is { } scores) softLabels[i] = PropagatedScores.SoftLabel(scores, judged[i]); // passed its threshold before the download
                else if (Passes(judged[i])) softLabels[i] = judged[i].Probabilities;
                else
                {
                    belowThreshold++;
                    images[i] = null;
                }
            }
            return Decode(images, request.InputSize, request.Channels, (pixels, i) => ShardSample.Soft(pixels, softLabels[i]), ct);
        }

        try
        {
            var blob = PoolShard(request.RoundId, request.Partition);
            var shape = new ShardHeader(0, request.Channels, request.InputSize, request.InputSize, request.Classes, ShardLabelKind.Soft);
            var (kept, perClass) = await SpoolAsync(blob, shape, Candidates(), request.Classes, SamplesAsync, cancellationToken);
            span?.SetTag("selftrain.accepted", kept);
            span?.SetTag("selftrain.relabelled", relabelled);
            return new ShardCounts(kept > 0 ? blob : null, kept, belowThreshold, unusable, perClass, relabelled, view?.Counts(), teacherPerClass);
        }
        finally
        {
            teacher?.Dispose();
            second?.Dispose();
        }
    }

    /// <summary>The view's judge for one partition: gold's held-out and reference sets, and the partition's embeddings.</summary>
    private async Task<PartitionView> PartitionViewAsync(EmbeddingViewPlan plan, string partition, int classes, CancellationToken cancellationToken)
    {
        async Task<EmbeddingSet> Read(string set) =>
            await embeddings.ReadAsync(plan.Model, set, cancellationToken) ?? EmbeddingSet.Empty(plan.Model, Math.Max(1, plan.Dimensions));
        var sets = new Dictionary<GoldSplit, EmbeddingSet>();
        foreach (var split in Enum.GetValues<GoldSplit>()) sets[split] = await Read(EmbeddingStore.GoldSet(split));
        var dimensions = Math.Max(1, plan.Dimensions);
        var heldOut = new NeighbourIndex(EmbeddingSet.Concat(plan.Model, dimensions, [sets[GoldSplit.Validation], sets[GoldSplit.Test]]));
        var reference = new NeighbourIndex(EmbeddingSet.Concat(plan.Model, dimensions, [sets[GoldSplit.Train], sets[GoldSplit.Validation]]));
        var view = new EmbeddingView(heldOut, reference, plan.NearDuplicateSimilarity, plan.OutlierSimilarity);
        return new PartitionView(view, await Read(EmbeddingStore.PoolSet(partition)), classes);
    }

    /// <summary>One partition's propagated class distributions (none: the round stored none for it) and their per-class thresholds.</summary>
    private sealed class PropagatedScores(EmbeddingSet? scores, IReadOnlyList<double> thresholds)
    {
        private readonly Dictionary<string, int> _rows = scores?.Keys.Select((key, row) => (key, row)).ToDictionary(p => p.key, p => p.row, StringComparer.Ordinal) ?? [];

        /// <returns>The row's propagated distribution, or null when propagation did not score it (it is judged by the teacher).</returns>
        public float[]? Of(LabelRecord row) => _rows.TryGetValue(row.Content.Hex, out var index) ? scores![index].ToArray() : null;

        public bool Passes(float[] distribution)
        {
            var c = System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(distribution);
            return c < thresholds.Count && distribution[c] >= thresholds[c];
        }

        /// <summary>
        /// The target of an image propagation accepted: the teacher's own distribution where it names the same class
        /// (diffusion flattens a distribution; the teacher's is the sharper statement of the same label), else the
        /// propagated one, which overrules the teacher.
        /// </summary>
        public static float[] SoftLabel(float[] propagated, Prediction teacher) =>
            System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(propagated) == teacher.ClassIndex ? teacher.Probabilities : propagated;
    }

    /// <summary>The embedding view's verdicts on one partition's rows, counted as they are given.</summary>
    private sealed class PartitionView(EmbeddingView view, EmbeddingSet pool, int classes)
    {
        private readonly Dictionary<string, int> _rows = pool.Keys.Select((key, row) => (key, row)).ToDictionary(p => p.key, p => p.row, StringComparer.Ordinal);
        private readonly int[] _nearDuplicates = new int[classes];
        private readonly int[] _outliers = new int[classes];
        private int _notEmbedded;

        public bool Keeps(LabelRecord row)
        {
            if (!_rows.TryGetValue(row.Content.Hex, out var index))
            {
                _notEmbedded++;
                return true;
            }
            var verdict = view.Judge(pool[index]);
            var label = row.Prediction!.ClassIndex;
            if (verdict == ViewVerdict.NearDuplicate && label < classes) _nearDuplicates[label]++;
            if (verdict == ViewVerdict.Outlier && label < classes) _outliers[label]++;
            return verdict == ViewVerdict.Kept;
        }

        public ViewCounts Counts() => new(_nearDuplicates.Sum(), _outliers.Sum(), _notEmbedded, _nearDuplicates, _outliers);
    }

    public async Task<ShardCounts> BuildGoldShardAsync(GoldShardRequest request, CancellationToken cancellationToken = default)
    {
        using var span = SelfTrainTelemetry.StartRoundStep("gold_shard", request.RoundId);
        var images = await gold.ListAsync(GoldSplit.Train, cancellationToken);
        var blob = GoldShard(request.RoundId);
        var shape = new ShardHeader(0, request.Channels, request.InputSize, request.InputSize, request.Classes, ShardLabelKind.Hard);
        var (kept, perClass) = await SpoolAsync(blob, shape, images.ToAsyncEnumerable(), request.Classes, async (chunk, ct) =>
            Decode(await DownloadAsync(chunk, async (image, c) => await gold.DownloadAsync(image.BlobName, c), ct),
                request.InputSize, request.Channels, (pixels, i) => ShardSample.Hard(pixels, chunk[i].ClassIndex), ct),
            cancellationToken, writeEmpty: true);
        return new ShardCounts(blob, kept, 0, 0, perClass);
    }

    /// <summary>
    /// Turns each chunk of items into samples (null: not kept), in order, onto a spool, then writes the spool to
    /// <paramref name="blob"/> (unless nothing was kept and <paramref name="writeEmpty"/> is false).
    /// </summary>
    private async Task<(int Kept, int[] PerClass)> SpoolAsync<T>(string blob, ShardHeader shape, IAsyncEnumerable<T> items,
        int classes, Func<T[], CancellationToken, Task<ShardSample?[]>> samples, CancellationToken cancellationToken, bool writeEmpty = false)
    {
        await using var spool = new ShardSpool(shape, blob);
        var perClass = new int[classes];
        await foreach (var chunk in items.Chunk(ChunkSize).WithCancellation(cancellationToken))
            foreach (var kept in await samples(chunk, cancellationToken))
            {
                if (kept is null) continue;
                perClass[kept.TopClass]++;
                await spool.AddAsync(kept, cancellationToken);
            }
        if (spool.Count > 0 || writeEmpty)
        {
            var shards = storage.Blobs.GetBlobContainerClient(layout.Shards);
            await shards.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await using var stream = await shards.GetBlobClient(blob).OpenWriteAsync(overwrite: true, cancellationToken: cancellationToken);
            await spool.WriteShardAsync(stream, cancellationToken);
        }
        return (spool.Count, perClass);
    }

    private async Task<byte[]?[]> DownloadAsync<T>(T[] items, Func<T, CancellationToken, Task<byte[]?>> download, CancellationToken cancellationToken)
    {
        var images = new byte[]?[items.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Length),
            new ParallelOptions { MaxDegreeOfParallelism = options.DownloadConcurrency, CancellationToken = cancellationToken },
            async (i, ct) => images[i] = await download(items[i], ct));
        return images;
    }

    /// <summary>The sample of every image that is there (decoded in parallel); null where there is none.</summary>
    private ShardSample?[] Decode(byte[]?[] images, int size, int channels, Func<byte[], int, ShardSample> sample, CancellationToken cancellationToken)
    {
        var samples = new ShardSample?[images.Length];
        Parallel.For(0, images.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            if (images[i] is { } encoded) samples[i] = sample(Pixels(encoded, size, channels), i);
        });
        return samples;
    }

    /// <summary>Students learn from images of the job's size and channels (RGB for three), as the serving stack decodes them.</summary>
    private byte[] Pixels(byte[] encoded, int size, int channels)
    {
        var input = new ModelInput { TensorName = "input", Width = size, Height = size, ColorOrder = channels == 1 ? ColorOrder.Gray : ColorOrder.Rgb };
        using var bitmap = ImageDecoder.Decode(encoded, options.Limits, input.Width, input.Height);
        var pixels = new byte[checked(input.Channels * input.Width * input.Height)];
        ImagePreprocessor.WriteBytes(bitmap, input, pixels);
        return pixels;
    }
}
