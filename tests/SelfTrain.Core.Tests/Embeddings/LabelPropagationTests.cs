using SelfTrain.Core.Embeddings;

namespace SelfTrain.Core.Tests.Embeddings;

public sealed class LabelPropagationTests
{
    private static EmbeddingSet RandomSet(int rows, int dimensions, int seed)
    {
        var random = new Random(seed);
        return new EmbeddingSet("m", dimensions, [.. Enumerable.Range(0, rows).Select(i => $"{i}")],
            [.. Enumerable.Range(0, rows * dimensions).Select(_ => random.NextSingle() * 2 - 1)]);
    }

    [Fact]
    public void The_graph_holds_each_row_s_k_most_similar_others_in_order()
    {
        var set = RandomSet(150, 12, seed: 3);
        var index = new NeighbourIndex(set);
        var graph = NeighbourGraph.Build(set, neighbours: 5);
        for (var row = 0; row < set.Count; row++)
        {
            var expected = Enumerable.Range(0, set.Count).Where(other => other != row)
                .Select(other => (other, similarity: (double)System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(set[row], set[other])))
                .OrderByDescending(p => p.similarity).Take(5).ToArray();
            Assert.Equal(expected.Select(p => p.other), graph.NeighboursOf(row).ToArray());
            for (var j = 0; j < 5; j++) Assert.Equal(expected[j].similarity, graph.SimilaritiesOf(row)[j], 1e-5);
        }
        Assert.Equal(index.MaxSimilarity(set[7], except: 7), graph.SimilaritiesOf(7)[0], 1e-5);
    }

    [Fact]
    public void A_row_with_fewer_others_than_k_has_empty_slots()
    {
        var graph = NeighbourGraph.Build(RandomSet(3, 4, seed: 1), neighbours: 5);
        Assert.Equal([-1, -1, -1], graph.NeighboursOf(0)[2..].ToArray());
        Assert.Equal(2, graph.NeighboursOf(0).ToArray().Count(i => i >= 0));
    }

    [Fact]
    public void Neighbours_outvote_the_teacher_s_isolated_mistakes()
    {
        // Two tight clusters around orthogonal directions, 60 rows each; three gold rows per cluster, and a teacher
        // that is fairly sure (0.8) of every other row and wrong (0.7 for class 1) on ten of cluster 0's.
        const int PerCluster = 60, Dimensions = 8, Classes = 2;
        var random = new Random(11);
        var vectors = new float[2 * PerCluster * Dimensions];
        for (var row = 0; row < 2 * PerCluster; row++)
            for (var d = 0; d < Dimensions; d++)
                vectors[row * Dimensions + d] = (d == row / PerCluster ? 1f : 0f) + (random.NextSingle() - 0.5f) * 0.3f;
        var set = new EmbeddingSet("m", Dimensions, [.. Enumerable.Range(0, 2 * PerCluster).Select(i => $"{i}")], vectors);
        var seeds = new float[2 * PerCluster * Classes];
        foreach (var row in new[] { 0, 1, 2 }) seeds[row * Classes] = 1;
        foreach (var row in new[] { 60, 61, 62 }) seeds[row * Classes + 1] = 1;
        for (var row = 0; row < 2 * PerCluster; row++)
        {
            if (row % PerCluster < 3) continue;
            var right = row / PerCluster;
            seeds[row * Classes + right] = 0.8f;
            seeds[row * Classes + 1 - right] = 0.2f;
        }
        for (var row = 10; row < 20; row++) (seeds[row * Classes], seeds[row * Classes + 1]) = (0.3f, 0.7f);

        var scores = new LabelPropagation().Propagate(NeighbourGraph.Build(set, neighbours: 8), seeds, Classes);

        for (var row = 0; row < 2 * PerCluster; row++)
        {
            var expected = row / PerCluster;
            Assert.True(scores[row * Classes + expected] > 0.5f, $"row {row}: {scores[row * Classes]}, {scores[row * Classes + 1]}");
            Assert.Equal(1f, scores[row * Classes] + scores[row * Classes + 1], 1e-4);
        }
    }

    [Fact]
    public void Rows_with_no_evidence_near_them_stay_uniform_and_seeds_must_fit_the_graph()
    {
        var graph = NeighbourGraph.Build(RandomSet(10, 4, seed: 2), neighbours: 3);
        var scores = new LabelPropagation().Propagate(graph, new float[10 * 3], 3);
        Assert.All(scores, s => Assert.Equal(1f / 3, s, 1e-6));
        Assert.Throws<ArgumentException>(() => new LabelPropagation().Propagate(graph, new float[7], 3));
    }

    [Fact]
    public void Settings_out_of_range_are_each_named()
    {
        Assert.Empty(new LabelPropagation().Problems());
        Assert.Equal(4, new LabelPropagation { Neighbours = 0, Alpha = 1, Gamma = 0, Iterations = 1000 }.Problems().Count);
    }
}
