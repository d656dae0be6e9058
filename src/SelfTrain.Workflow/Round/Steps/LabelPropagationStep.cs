using System.Diagnostics;
using System.Numerics.Tensors;
using SelfTrain.Core.Embeddings;
using SelfTrain.Core.Evaluation;
using SelfTrain.Core.Labels;
using SelfTrain.Core.Telemetry;
using SelfTrain.Serving;
using SelfTrain.Storage;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>
/// The embedding view's label propagation: one k-NN graph over the stored embeddings of gold/train, gold/validation
/// and every pool partition (gold/test stays out); gold/train is seeded with its true labels, gold/validation and the
/// pool with the teacher's probabilities (a pool row another version labelled, with none), and
/// <see cref="LabelPropagation"/> diffuses them. Per-class thresholds of the propagated scores are calibrated on
/// gold/validation at the round's target precision, exactly as the teacher's are, so a class the teacher alone cannot
/// label at the target can still get pseudo-labels. The pool's scores are stored per partition beside the round's
/// shards (<see cref="PropagatedScoreStore"/>), where the shard step reads them; the round's history carries only the thresholds and counts.
/// </summary>
public sealed class LabelPropagationStep(EmbeddingStore embeddings, LabelStore labels, GoldStore goldStore, GoldEvaluator gold, ModelLoader loader,
    PropagatedScoreStore scoreStore)
{
    private const int WriteConcurrency = 8;

    public async Task<PropagationResult> PropagateAsync(PropagationRequest request, CancellationToken cancellationToken = default)
    {
        using var span = SelfTrainTelemetry.StartRoundStep("propagate", request.RoundId, request.Teacher);
        using var teacher = await loader.LoadAsync(request.Teacher, cancellationToken);
        var classes = teacher.Manifest.Classes.Count;
        var (model, dimensions) = (request.View.Model, Math.Max(1, request.View.Dimensions));
        async Task<EmbeddingSet> ReadAsync(string set) => await embeddings.ReadAsync(model, set, cancellationToken) ?? EmbeddingSet.Empty(model, dimensions);
        var nodes = new GraphNodes(dimensions, classes);

        var trainClasses = (await goldStore.ListAsync(GoldSplit.Train, cancellationToken)).ToDictionary(i => i.BlobName, i => i.ClassIndex, StringComparer.Ordinal);
        var train = await ReadAsync(EmbeddingStore.GoldSet(GoldSplit.Train));
        var oneHot = new float[classes];
        for (var row = 0; row < train.Count; row++)
            if (trainClasses.TryGetValue(train.Keys[row], out var c) && c < classes)
            {
                Array.Clear(oneHot);
                oneHot[c] = 1;
                nodes.Add(train.Keys[row], train[row], oneHot);
            }

        var (validationImages, validationTeacher) = await gold.ProbabilitiesAsync(GoldSplit.Validation, teacher, cancellationToken);
        var validationIndex = validationImages.Select((image, i) => (image.BlobName, i)).ToDictionary(p => p.BlobName, p => p.i, StringComparer.Ordinal);
        var validation = await ReadAsync(EmbeddingStore.GoldSet(GoldSplit.Validation));
        var validationNodes = new List<(int Node, int Image)>();
        for (var row = 0; row < validation.Count; row++)
            if (validationIndex.TryGetValue(validation.Keys[row], out var image))
                validationNodes.Add((nodes.Add(validation.Keys[row], validation[row], validationTeacher[image]), image));
        if (validationNodes.Count == 0)
            throw new InvalidOperationException($"No gold/validation image has an embedding by {model}; propagation has nothing to calibrate on.");

        var partitions = new List<(string Partition, int First, int Count)>();
        var (pool, seeded) = (0, 0);
        var none = new float[classes];
        foreach (var partition in request.Partitions)
        {
            var set = await ReadAsync(EmbeddingStore.PoolSet(partition));
            var rows = new Dictionary<string, LabelRecord>(StringComparer.Ordinal);
            await foreach (var row in labels.ReadPartitionAsync(partition, cancellationToken))
                if (row is { Status: LabelStatus.Labelled, Prediction: not null }) rows[row.Content.Hex] = row;
            var first = nodes.Count;
            for (var i = 0; i < set.Count; i++)
            {
                if (!rows.TryGetValue(set.Keys[i], out var row)) continue; // quarantined or gone since it was embedded
                var own = row.ModelVersion == request.Teacher && row.Prediction!.Probabilities.Length == classes;
                nodes.Add(set.Keys[i], set[i], own ? row.Prediction!.Probabilities : none);
                if (own) seeded++;
            }
            partitions.Add((partition, first, nodes.Count - first));
            pool += nodes.Count - first;
            if (nodes.Count > LabelPropagation.MaxImages)
                throw new InvalidOperationException($"Label propagation takes at most {LabelPropagation.MaxImages:N0} images; gold and the pool have more. Run the round without view.propagation.");
        }

        var watch = Stopwatch.StartNew();
        var graph = NeighbourGraph.Build(nodes.Embeddings(model), request.Propagation.Neighbours, cancellationToken);
        var scores = request.Propagation.Propagate(graph, nodes.Seeds(), classes);
        var seconds = watch.Elapsed.TotalSeconds;

        var truth = validationNodes.Select(v => validationImages[v.Image].ClassIndex).ToArray();
        var predicted = validationNodes.Select(v => TensorPrimitives.IndexOfMax(scores.AsSpan(v.Node * classes, classes))).ToArray();
        var confidence = validationNodes.Select((v, i) => (double)scores[v.Node * classes + predicted[i]]).ToArray();
        var thresholds = ConfidenceThresholds.Calibrate(truth, predicted, confidence, classes, request.TargetPrecision);
        double Accuracy(Func<int, int> predict) => Enumerable.Range(0, truth.Length).Count(i => predict(i) == truth[i]) / (double)truth.Length;
        var teacherAccuracy = Accuracy(i => TensorPrimitives.IndexOfMax<float>(validationTeacher[validationNodes[i].Image]));
        var propagatedAccuracy = Accuracy(i => predicted[i]);

        await Parallel.ForEachAsync(partitions, new ParallelOptions { MaxDegreeOfParallelism = WriteConcurrency, CancellationToken = cancellationToken },
            async (p, ct) => await scoreStore.WriteAsync(request.RoundId, p.Partition, new EmbeddingSet(PropagatedScoreStore.SetName, classes,
                nodes.Keys(p.First, p.Count), scores[(p.First * classes)..((p.First + p.Count) * classes)]), ct));
        span?.SetTag("selftrain.images", nodes.Count);
        return new PropagationResult(thresholds, nodes.Count, pool, seeded, Math.Round(teacherAccuracy, 4), Math.Round(propagatedAccuracy, 4), Math.Round(seconds, 1));
    }

    /// <summary>The graph's images as they are added: key, embedding and seed row each.</summary>
    private sealed class GraphNodes(int dimensions, int classes)
    {
        private readonly List<string> _keys = [];
        private readonly List<float> _vectors = [];
        private readonly List<float> _seeds = [];

        public int Count => _keys.Count;

        /// <returns>The node's index.</returns>
        public int Add(string key, ReadOnlySpan<float> embedding, ReadOnlySpan<float> seed)
        {
            if (embedding.Length != dimensions || seed.Length != classes)
                throw new InvalidDataException($"Image {key} has {embedding.Length} dimensions and {seed.Length} seed classes; the graph takes {dimensions} and {classes}.");
            _keys.Add(key);
            _vectors.AddRange(embedding);
            _seeds.AddRange(seed);
            return _keys.Count - 1;
        }

        public EmbeddingSet Embeddings(string model) => new(model, dimensions, _keys, [.. _vectors]);
        public float[] Seeds() => [.. _seeds];
        public IReadOnlyList<string> Keys(int first, int count) => _keys.GetRange(first, count);
    }
}
