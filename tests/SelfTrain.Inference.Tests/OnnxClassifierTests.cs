using SelfTrain.Core.Models;
using SelfTrain.Testing;

namespace SelfTrain.Inference.Tests;

public sealed class OnnxClassifierTests
{
    private static readonly InferenceOptions Options = new() { IntraOpThreads = 1 };

    private static float[] RandomSamples(int count, int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count * length).Select(_ => (float)random.NextDouble()).ToArray();
    }

    [Theory]
    [InlineData(false, false, 64)]
    [InlineData(false, false, 2)]
    [InlineData(true, false, 64)]
    [InlineData(false, true, 64)]
    public void Probabilities_match_an_independent_calculation(bool fixedBatchOfOne, bool logits, int maxBatch)
    {
        var model = new LinearTestModel("m1", fixedBatchOfOne: fixedBatchOfOne, logits: logits);
        using var classifier = OnnxClassifier.Load(model.Onnx, model.Manifest, Options with { MaxBatchSize = maxBatch });
        Assert.Equal(fixedBatchOfOne ? 1 : maxBatch, classifier.MaxBatchSize);

        const int count = 5;
        var batch = RandomSamples(count, classifier.SampleLength, seed: 11);
        var predictions = classifier.Classify(batch, count);

        for (var i = 0; i < count; i++)
        {
            var expected = model.Expected(batch.AsSpan(i * classifier.SampleLength, classifier.SampleLength));
            for (var c = 0; c < expected.Length; c++)
                Assert.Equal(expected[c], predictions[i].Probabilities[c], 1e-5f);
            var best = Array.IndexOf(expected, expected.Max());
            Assert.Equal(best, predictions[i].ClassIndex);
            Assert.Equal(model.Classes[best], predictions[i].Label);
        }
    }

    public static TheoryData<string, Func<ModelManifest, ModelManifest>, string[]> Mismatches() => new()
    {
        { "input name", m => m with { Input = m.Input with { TensorName = "image" } }, ["'image'", "pixels"] },
        { "input size", m => m with { Input = m.Input with { Width = 16 } }, ["[batch, 1, 8, 16]", "8, 8]"] },
        { "channels", m => m with { Input = m.Input with { ColorOrder = ColorOrder.Rgb } }, ["[batch, 3, 8, 8]", "1, 8, 8]"] },
        { "output name", m => m with { Output = m.Output with { TensorName = "scores" } }, ["'scores'", "probabilities"] },
        { "class count", m => m with { Classes = ["a", "b", "c"] }, ["3 classes", "4]"] },
        { "embedding name", m => m with { Embedding = new ModelEmbedding { TensorName = "features", Dimensions = 64 } }, ["'features'", "probabilities"] },
    };

    [Fact]
    public void Embeddings_are_the_graphs_embedding_output_in_any_batch_size()
    {
        var model = new LinearTestModel("m1", embedding: true);
        using var classifier = OnnxClassifier.Load(model.Onnx, model.Manifest, Options with { MaxBatchSize = 2 });
        const int count = 5;
        var batch = RandomSamples(count, classifier.SampleLength, seed: 12);

        var embeddings = classifier.Embed(batch, count);

        // The test model's embedding is its flattened input.
        Assert.Equal(count, embeddings.Length);
        for (var i = 0; i < count; i++)
            Assert.Equal(batch.AsSpan(i * classifier.SampleLength, classifier.SampleLength).ToArray(), embeddings[i]);
    }

    [Fact]
    public void An_embedding_of_another_length_than_the_graphs_is_refused_and_a_model_without_one_cannot_embed()
    {
        var model = new LinearTestModel("m1", embedding: true);
        var wrong = model.Manifest with { Embedding = model.Manifest.Embedding! with { Dimensions = 10 } };
        var error = Assert.Throws<InvalidDataException>(() => OnnxClassifier.Load(model.Onnx, wrong, Options));
        Assert.Contains("10 dimensions", error.Message);
        Assert.Contains("[-1, 64]", error.Message);

        var plain = new LinearTestModel("m2");
        using var classifier = OnnxClassifier.Load(plain.Onnx, plain.Manifest, Options);
        Assert.Throws<InvalidOperationException>(() => classifier.Embed(new float[classifier.SampleLength], 1));
    }

    [Theory]
    [MemberData(nameof(Mismatches))]
    public void Manifest_that_disagrees_with_the_graph_is_refused_naming_both_sides(string _, Func<ModelManifest, ModelManifest> change, string[] mentions)
    {
        var model = new LinearTestModel("m1");
        var error = Assert.Throws<InvalidDataException>(() => OnnxClassifier.Load(model.Onnx, change(model.Manifest), Options));
        Assert.Contains("'m1'", error.Message);
        foreach (var mention in mentions) Assert.Contains(mention, error.Message);
    }

    [Fact]
    public void Bytes_that_are_not_onnx_are_refused()
    {
        var model = new LinearTestModel("m1");
        var error = Assert.Throws<InvalidDataException>(() => OnnxClassifier.Load([1, 2, 3, 4], model.Manifest, Options));
        Assert.Contains("cannot load", error.Message);
    }
}
