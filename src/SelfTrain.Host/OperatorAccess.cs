using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace SelfTrain.Host;

/// <summary>
/// Guards the operator routes (rounds, the model registry, instance management), as admin-level functions are guarded
/// in Azure. With a configured key, a request must send it in <c>x-functions-key</c> (401 without, 403 with another).
/// Without one, the routes are open only while the host listens on loopback alone, as Core Tools is, and only to
/// programs on this machine: a request a browser sends for another site's page (it names that page's origin), or one
/// for a host name other than a loopback one (a rebound DNS name), is refused (403), so a web page cannot drive them.
/// Listening on any other address, they are refused (403) until a key is configured. Prediction and health are not
/// operator routes.
/// </summary>
public sealed class OperatorAccess(OperatorAccessOptions options, IServer server) : IEndpointFilter
{
    public const string KeyHeader = "x-functions-key";

    private readonly byte[]? _key = options.Key is { Length: > 0 } key ? Encoding.UTF8.GetBytes(key) : null;
    private bool? _loopbackOnly;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (_key is null)
            return !LoopbackOnly()
                ? Problem(StatusCodes.Status403Forbidden, "Operator routes are closed",
                    $"This host listens on {string.Join(", ", Addresses())}, not on loopback alone, and has no operator key. " +
                    $"Set {OperatorAccessOptions.Section}__Key in its environment and send it in '{KeyHeader}'.")
                : FromAnotherSite(context.HttpContext.Request)
                ? Problem(StatusCodes.Status403Forbidden, "Operator routes take no cross-site requests",
                    "Without an operator key, operator routes answer programs on this machine only, not a web page of another site.")
                : await next(context);

        var presented = context.HttpContext.Request.Headers[KeyHeader].FirstOrDefault();
        if (string.IsNullOrEmpty(presented))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = KeyHeader;
            return Problem(StatusCodes.Status401Unauthorized, "Operator key required", $"Send the operator key in the '{KeyHeader}' header.");
        }
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _key)
            ? await next(context)
            : Problem(StatusCodes.Status403Forbidden, "Wrong operator key", $"The '{KeyHeader}' header does not hold this host's operator key.");
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
