using SelfTrain.Core.Embeddings;

namespace SelfTrain.Core.Tests.Embeddings;

public sealed class EmbeddingViewTests
{
    private static EmbeddingSet Set(params float[][] rows) =>
        new("m", rows[0].Length, [.. rows.Select((_, i) => $"k{i}")], [.. rows.SelectMany(r => r)]);

    private static double Cosine(float[] a, float[] b) =>
        a.Zip(b, (x, y) => (double)x * y).Sum() / Math.Sqrt(a.Sum(x => (double)x * x) * b.Sum(x => (double)x * x));

    [Fact]
    public void The_index_gives_the_highest_cosine_similarity_whatever_the_lengths()
    {
        var random = new Random(5);
        var rows = Enumerable.Range(0, 50).Select(_ => Enumerable.Range(0, 16).Select(_ => random.NextSingle() * 10 - 5).ToArray()).ToArray();
        var index = new NeighbourIndex(Set(rows));
        var query = Enumerable.Range(0, 16).Select(_ => random.NextSingle() - 0.5f).ToArray();
        Assert.Equal(rows.Max(r => Cosine(query, r)), index.MaxSimilarity(query), 1e-5);
        // A row's own direction, however scaled, is similarity 1; leaving it out gives the next best.
        Assert.Equal(1.0, index.MaxSimilarity(rows[7].Select(x => x * 3).ToArray()), 1e-5);
        Assert.Equal(rows.Where((_, i) => i != 7).Max(r => Cosine(rows[7], r)), index.MaxSimilarity(rows[7], except: 7), 1e-5);
    }

    [Fact]
    public void A_zero_vector_is_similar_to_nothing_and_a_wrong_length_is_refused()
    {
        var index = new NeighbourIndex(Set([1, 0], [0, 1]));
        Assert.Equal(0f, index.MaxSimilarity([0, 0]));
        Assert.Throws<ArgumentException>(() => index.MaxSimilarity([1, 0, 0]));
        Assert.Equal(-1f, new NeighbourIndex(EmbeddingSet.Empty("m", 2)).MaxSimilarity([1, 0]));
    }

    [Fact]
    public void The_outlier_floor_is_the_percentile_of_gold_images_distances_to_their_nearest_other()
    {
        // Four unit vectors at known angles: nearest-other similarities cos 10°, cos 10°, cos 20°, cos 70°.
        static float[] At(double degrees) => [(float)Math.Cos(degrees * Math.PI / 180), (float)Math.Sin(degrees * Math.PI / 180)];
        var index = new NeighbourIndex(Set(At(0), At(10), At(30), At(100)));
        Assert.Equal(Math.Cos(70 * Math.PI / 180), EmbeddingView.OutlierSimilarity(index, 100)!.Value, 1e-5);
        Assert.Equal(Math.Cos(20 * Math.PI / 180), EmbeddingView.OutlierSimilarity(index, 75)!.Value, 1e-5);
        Assert.Equal(Math.Cos(10 * Math.PI / 180), EmbeddingView.OutlierSimilarity(index, 50)!.Value, 1e-5);
        Assert.Null(EmbeddingView.OutlierSimilarity(new NeighbourIndex(Set(At(0))), 99));
    }

    [Fact]
    public void A_copy_of_held_out_gold_is_a_near_duplicate_and_an_image_unlike_gold_an_outlier()
    {
        var heldOut = new NeighbourIndex(Set([1, 0, 0], [0, 1, 0]));
        var reference = new NeighbourIndex(Set([1, 0.1f, 0], [0.1f, 1, 0]));
        var view = new EmbeddingView(heldOut, reference, nearDuplicateSimilarity: 0.99, outlierSimilarity: 0.5);
        Assert.Equal(ViewVerdict.NearDuplicate, view.Judge([2, 0.01f, 0]));
        Assert.Equal(ViewVerdict.Kept, view.Judge([1, 0.5f, 0]));
        Assert.Equal(ViewVerdict.Outlier, view.Judge([0, 0.1f, 1]));
        // Without a floor nothing is an outlier.
        Assert.Equal(ViewVerdict.Kept, new EmbeddingView(heldOut, reference, 0.99, null).Judge([0, 0.1f, 1]));
    }

    [Fact]
    public void A_policy_lists_every_setting_out_of_range()
    {
        Assert.Empty(new EmbeddingViewPolicy().Problems());
        Assert.Empty(new EmbeddingViewPolicy { OutlierPercentile = null }.Problems());
        var problems = new EmbeddingViewPolicy { NearDuplicateSimilarity = 1.5, OutlierPercentile = 10 }.Problems();
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("view.nearDuplicateSimilarity"));
        Assert.Contains(problems, p => p.StartsWith("view.outlierPercentile"));
        Assert.Single(new EmbeddingViewPolicy { NearDuplicateSimilarity = double.NaN }.Problems());
    }
}
