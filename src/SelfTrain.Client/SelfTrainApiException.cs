using System.Net;

namespace SelfTrain.Client;

/// <summary>A request the host refused, with its problem details: status, title, detail and every listed problem.</summary>
public sealed class SelfTrainApiException(string request, HttpStatusCode status, string? title, string? detail, IReadOnlyList<string> problems)
    : HttpRequestException($"{request}: {(int)status} {title ?? status.ToString()}{(detail is null ? "" : $": {detail}")}", null, status)
{
    public string Request { get; } = request;
    public string? Title { get; } = title;
    public string? Detail { get; } = detail;
    public IReadOnlyList<string> Problems { get; } = problems;
}
