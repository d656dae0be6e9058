using Azure.AI.Inference;
using Azure.Identity;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SelfTrain.Api;
using SelfTrain.Workflow.Round.Steps;

namespace SelfTrain.Host;

/// <summary>
/// The local host's embedding-view endpoint: the configured one, or else this host's own
/// <c>/api/inference</c> route at the address it listens on, reached over HTTP like any other endpoint.
/// </summary>
internal static class OwnEmbeddingsEndpoint
{
    public static ImageEmbeddingsClient Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<EmbeddingsEndpointOptions>();
        if (options.Endpoint is { } endpoint) return EmbeddingsClientFactory.ForEndpoint(options, endpoint, new DefaultAzureCredential());
        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var listening = addresses.Select(Reachable).OfType<Uri>().OrderBy(uri => uri.Scheme == Uri.UriSchemeHttp ? 0 : 1).FirstOrDefault()
            ?? throw new InvalidOperationException($"The host listens on no address it can call itself on; set {EmbeddingsEndpointOptions.Section}:{nameof(EmbeddingsEndpointOptions.Endpoint)}.");
        return EmbeddingsClientFactory.ForOwnHost(new Uri(listening, "/api/" + EmbeddingsHandler.Prefix));
    }

    /// <summary>A listening address as a URL this process can call: a wildcard host becomes loopback.</summary>
    private static Uri? Reachable(string address)
    {
        var normalized = address.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://[::1]");
        return Uri.TryCreate(normalized, UriKind.Absolute, out var uri) ? uri : null;
    }
}
