using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace SelfTrain.Host;

/// <summary>
/// Guards the operator routes (rounds, the model registry, instance management), as admin-level functions are guarded
/// in Azure. With a configured key, a request must send it in <c>x-functions-key</c> (401 without, 403 with another);
/// a page opened in a browser (<see cref="BrowserPage"/>: the dashboard) may take it as <c>?code=</c> instead.
/// Without one, the routes are open only while the host listens on loopback alone, as Core Tools is, and only to
/// programs on this machine: a request a browser sends for another site's page (it names that page's origin), or one
/// for a host name other than a loopback one (a rebound DNS name), is refused (403), so a web page cannot drive them.
/// Listening on any other address, they are refused (403) until a key is configured. Prediction and health are not
/// operator routes.
/// </summary>
public sealed class OperatorAccess(OperatorAccessOptions options, IServer server) : IEndpointFilter
{
    public const string KeyHeader = "x-functions-key";

    /// <summary>The query parameter a browser can carry the key in, as Functions' <c>?code=</c>: GET requests of a <see cref="BrowserPage"/> only.</summary>
    public const string KeyQuery = "code";

    /// <summary>Endpoint metadata of a page people open in a browser, which cannot send a header: it takes the key as <c>?code=</c>.</summary>
    public sealed class BrowserPage
    {
        public static readonly BrowserPage Instance = new();

        private BrowserPage() { }
    }

    private readonly byte[]? _keyHash = options.Key is { Length: > 0 } key ? SHA256.HashData(Encoding.UTF8.GetBytes(key)) : null;
    private bool? _loopbackOnly;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (_keyHash is null)
            return !LoopbackOnly()
                ? Problem(StatusCodes.Status403Forbidden, "Operator routes are closed",
                    $"This host listens on {string.Join(", ", Addresses())}, not on loopback alone, and has no operator key. " +
                    $"Set {OperatorAccessOptions.Section}__Key in its environment and send it in '{KeyHeader}'.")
                : FromAnotherSite(context.HttpContext.Request)
                ? Problem(StatusCodes.Status403Forbidden, "Operator routes take no cross-site requests",
                    "Without an operator key, operator routes answer programs on this machine only, not a web page of another site.")
                : await next(context);

        var request = context.HttpContext.Request;
        var presented = request.Headers[KeyHeader].FirstOrDefault() is { Length: > 0 } header ? header
            : HttpMethods.IsGet(request.Method) && context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<BrowserPage>() is not null
                ? request.Query[KeyQuery].FirstOrDefault()
                : null;
        if (string.IsNullOrEmpty(presented))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = KeyHeader;
            return Problem(StatusCodes.Status401Unauthorized, "Operator key required", $"Send the operator key in the '{KeyHeader}' header.");
        }
        // Hashes of equal length, so the comparison tells nothing of the key's length either.
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _keyHash!)
            ? await next(context)
            : Problem(StatusCodes.Status403Forbidden, "Wrong operator key", "The key presented is not this host's operator key.");
    }

    /// <summary>A browser's request for another site's page (its Origin is not this host), or one addressed to a non-loopback name.</summary>
    private static bool FromAnotherSite(HttpRequest request)
    {
        var self = $"{request.Scheme}://{request.Host}";
        if (!IsLoopback(self)) return true;
        var origin = request.Headers.Origin.FirstOrDefault();
        return origin is not null && !string.Equals(origin, self, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether every address the server listens on is a loopback one (an in-process test server has none).</summary>
    private bool LoopbackOnly() => _loopbackOnly ??= Addresses().All(IsLoopback);

    private ICollection<string> Addresses() => server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];

    private static bool IsLoopback(string address)
    {
        // Kestrel writes wildcards as "*", "+" or "0.0.0.0" / "[::]"; none of them is loopback.
        var host = address[(address.IndexOf("://", StringComparison.Ordinal) + 3)..].Split('/')[0];
        host = host.StartsWith('[') ? host[1..host.IndexOf(']')] : host.Split(':')[0];
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    private static IResult Problem(int status, string title, string detail) => Results.Problem(title: title, detail: detail, statusCode: status);
}
