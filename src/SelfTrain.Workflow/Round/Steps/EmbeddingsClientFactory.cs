using Azure;
using Azure.AI.Inference;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;

namespace SelfTrain.Workflow.Round.Steps;

/// <summary>How a host builds the embedding view's <see cref="ImageEmbeddingsClient"/>; never from a key in a setting.</summary>
public static class EmbeddingsClientFactory
{
    /// <summary>
    /// A configured endpoint: with <see cref="EmbeddingsEndpointOptions.KeySecretUri"/>, its key read from Key Vault with
    /// <paramref name="identity"/>; otherwise <paramref name="identity"/>'s Microsoft Entra token for
    /// <see cref="EmbeddingsEndpointOptions.TokenScope"/> (Azure.Core sends bearer tokens only over https).
    /// </summary>
    public static ImageEmbeddingsClient ForEndpoint(EmbeddingsEndpointOptions options, Uri endpoint, TokenCredential identity)
    {
        var clientOptions = new AzureAIInferenceClientOptions();
        if (options.KeySecretUri is { } secretUri)
        {
            var secret = new KeyVaultSecretIdentifier(secretUri);
            var key = new SecretClient(secret.VaultUri, identity).GetSecret(secret.Name, secret.Version).Value.Value;
            // The client sends the key as api-key; a Functions app (this one's own route) reads it from x-functions-key.
            clientOptions.AddPolicy(new FunctionsKeyPolicy(key), HttpPipelinePosition.PerCall);
            return new ImageEmbeddingsClient(endpoint, new AzureKeyCredential(key), clientOptions);
        }
        // The client's own scope is fixed; the configured one replaces it.
        clientOptions.AddPolicy(new BearerTokenAuthenticationPolicy(identity, options.TokenScope), HttpPipelinePosition.PerRetry);
        return new ImageEmbeddingsClient(endpoint, identity, clientOptions);
    }

    /// <summary>
    /// The local host's own route, which like predict takes no credential on loopback. The client insists on one,
    /// so it carries a placeholder key that the route ignores.
    /// </summary>
    public static ImageEmbeddingsClient ForOwnHost(Uri endpoint, HttpPipelineTransport? transport = null)
    {
        var clientOptions = new AzureAIInferenceClientOptions();
        if (transport is not null) clientOptions.Transport = transport;
        return new ImageEmbeddingsClient(endpoint, new AzureKeyCredential("local-host"), clientOptions);
    }

    private sealed class FunctionsKeyPolicy(string key) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => message.Request.Headers.SetValue("x-functions-key", key);
    }
}
