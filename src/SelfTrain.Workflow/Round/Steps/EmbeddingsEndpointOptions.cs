using System.ComponentModel.DataAnnotations;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>The image-embeddings endpoint a round's embedding view calls; the "Embeddings" configuration section.</summary>
public sealed record EmbeddingsEndpointOptions
{
    public const string Section = "Embeddings";

    /// <summary>
    /// An Azure AI Model Inference endpoint serving <c>/info</c> and <c>/images/embeddings</c>. Null: the host's own
    /// (<c>/api/inference</c>, the champion's embedding output) where the host can reach itself.
    /// </summary>
    public Uri? Endpoint { get; init; }

    /// <summary>
    /// Where the endpoint's key is kept: a Key Vault secret, read with the app's managed identity. Null: the identity's
    /// own Microsoft Entra token for <see cref="TokenScope"/>. A key never sits in a setting.
    /// </summary>
    public Uri? KeySecretUri { get; init; }

    /// <summary>The token scope of the endpoint when no key is used.</summary>
    public string TokenScope { get; init; } = "https://ml.azure.com/.default";

    /// <summary>Images per request.</summary>
    [Range(1, 256)]
    public int BatchSize { get; init; } = 32;
}
