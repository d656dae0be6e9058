using Azure.AI.Inference;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>
/// The image-embeddings client the round's embedding view uses: the real <see cref="ImageEmbeddingsClient"/>, built on
/// first use by the host, which alone knows its address and credential.
/// </summary>
public sealed class EmbeddingsEndpoint(Func<ImageEmbeddingsClient> create)
{
    private readonly Lazy<ImageEmbeddingsClient> _client = new(create);

    /// <exception cref="InvalidOperationException">The host has no endpoint to call; the message says which setting to set.</exception>
    public ImageEmbeddingsClient Client => _client.Value;
}
