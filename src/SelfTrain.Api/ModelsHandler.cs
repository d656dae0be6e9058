using System.Globalization;
using Microsoft.AspNetCore.Http;
using SelfTrain.Storage;

namespace SelfTrain.Api;

/// <summary>
/// <c>GET /api/models</c>: the champion pointer, every complete version with its lineage and metrics (newest first),
/// and the history of champion changes and gate decisions (newest first, <c>?history=N</c> records, default 50).
/// </summary>
public sealed class ModelsHandler(ModelRegistry registry)
{
    public const string Route = "models";
    public const int DefaultHistory = 50;

    public async Task<IResult> HandleAsync(HttpRequest request)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var history = DefaultHistory;
        if (request.Query["history"].FirstOrDefault() is { } value
            && !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out history))
            return Results.Problem(title: "Invalid 'history'", detail: "'history' must be a non-negative integer.",
                statusCode: StatusCodes.Status400BadRequest);

        var listing = registry.ListAsync(cancellationToken);
        var entries = history == 0 ? Task.FromResult<IReadOnlyList<ChampionHistoryEntry>>([]) : registry.HistoryAsync(history, cancellationToken);
        await Task.WhenAll(listing, entries);
        return Results.Ok(new { champion = listing.Result.Champion, versions = listing.Result.Versions, history = entries.Result });
    }
}
