namespace SelfTrain.Inference;

/// <summary>The outcome for one image: its embedding, or the reason it was refused.</summary>
public sealed record EmbeddingOutcome(float[]? Embedding, ImageRejectedException? Rejection);

/// <summary>Encoded images in, the model's embeddings out: one model run over the images that decoded.</summary>
public static class ImageEmbedder
{
    /// <exception cref="InvalidOperationException">The model has no embedding output.</exception>
    public static EmbeddingOutcome[] Embed(OnnxClassifier model, IReadOnlyList<byte[]> images, ImageLimits limits)
    {
        if (model.Manifest.Embedding is null) throw new InvalidOperationException($"Model '{model.Manifest.Version}' has no embedding output.");
        var prepared = PreparedImages.Prepare(model, images, limits);
        var embeddings = prepared.Accepted == 0 ? [] : model.Embed(prepared.Batch, prepared.Accepted);
        var outcomes = new EmbeddingOutcome[images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            var sample = prepared.SampleOf(i);
            outcomes[i] = new EmbeddingOutcome(sample < 0 ? null : embeddings[sample], prepared.Rejections[i]);
        }
        return outcomes;
    }
}
