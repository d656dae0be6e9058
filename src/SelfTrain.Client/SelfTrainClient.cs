using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SelfTrain.Core;

namespace SelfTrain.Client;

/// <summary>
/// SelfTrain's HTTP API, as operators and the demo use it. The same routes answer on the local host and in Azure;
/// the operator key (the local host's <c>Operator__Key</c>, or a Functions admin key) goes in <c>x-functions-key</c>.
/// A refused request throws <see cref="SelfTrainApiException"/> with the problems the host listed.
/// </summary>
public sealed class SelfTrainClient(HttpClient http)
{
    public const string KeyHeader = "x-functions-key";

    private static readonly JsonSerializerOptions Json = SelfTrainJson.Options;

    /// <summary>
    /// A client of the host at <paramref name="host"/>, sending <paramref name="operatorKey"/> when there is one: only
    /// over https or to this machine, and never on to wherever a redirect points.
    /// </summary>
    /// <exception cref="ArgumentException">A key would travel in clear text to another machine.</exception>
    public static SelfTrainClient Create(Uri host, string? operatorKey, TimeSpan? timeout = null)
    {
        if (!string.IsNullOrEmpty(operatorKey) && host.Scheme != Uri.UriSchemeHttps && !host.IsLoopback)
            throw new ArgumentException($"The operator key is sent only over https or to this machine, not to {host}.", nameof(host));
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false })
        {
            BaseAddress = host,
            Timeout = timeout ?? TimeSpan.FromSeconds(100),
        };
        if (!string.IsNullOrEmpty(operatorKey)) http.DefaultRequestHeaders.Add(KeyHeader, operatorKey);
        return new SelfTrainClient(http);
    }

    public Uri? BaseAddress => http.BaseAddress;

    public async Task<JsonElement> HealthAsync(CancellationToken cancellationToken) =>
        await ReadAsync(await http.GetAsync("api/health", cancellationToken), cancellationToken, acceptUnavailable: true);

    public async Task<string?> ChampionAsync(CancellationToken cancellationToken) => (await HealthAsync(cancellationToken)).StringOf("champion");

    /// <summary>Waits until the host serves <paramref name="version"/> (it follows the champion pointer by polling).</summary>
    public async Task WaitForChampionAsync(string version, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        string? served;
        while ((served = await ChampionAsync(cancellationToken)) != version)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The host still serves '{served}' {timeout.TotalSeconds:0} s after '{version}' became champion.");
            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>The registry: champion, versions and history (<c>GET /api/models</c>).</summary>
    public async Task<JsonElement> ModelsAsync(int history, CancellationToken cancellationToken) =>
        await ReadAsync(await http.GetAsync($"api/models?history={history}", cancellationToken), cancellationToken);

    public async Task<JsonElement> PromoteAsync(string version, string? reason, CancellationToken cancellationToken) =>
        await ReadAsync(await http.PostAsJsonAsync($"api/models/{Uri.EscapeDataString(version)}/promote", new { reason }, cancellationToken), cancellationToken);

    public async Task<JsonElement> RollbackAsync(string? reason, CancellationToken cancellationToken) =>
        await ReadAsync(await http.PostAsJsonAsync("api/models/rollback", new { reason }, cancellationToken), cancellationToken);

    /// <summary>Starts a round (<c>POST /api/rounds</c>) and returns its instance id.</summary>
    public async Task<string> StartRoundAsync(object request, CancellationToken cancellationToken)
    {
        var payload = await ReadAsync(await http.PostAsJsonAsync("api/rounds", request, Json, cancellationToken), cancellationToken);
        return payload.GetProperty("id").GetString()!;
    }

    public async Task<RoundView> GetRoundAsync(string id, CancellationToken cancellationToken) =>
        (await ReadAsync(await http.GetAsync($"api/rounds/{Uri.EscapeDataString(id)}", cancellationToken), cancellationToken)).Deserialize<RoundView>(Json)
        ?? throw new InvalidDataException($"The host answered nothing for round {id}.");

    /// <summary>Follows a round until it ends, reporting each status it shows on the way; returns how it ended.</summary>
    public async Task<RoundView> FollowRoundAsync(string id, Action<RoundView> onStatus, CancellationToken cancellationToken, TimeSpan? interval = null)
    {
        while (true)
        {
            var round = await GetRoundAsync(id, cancellationToken);
            onStatus(round);
            if (round.Ended) return round;
            await Task.Delay(interval ?? TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    public async Task TerminateRoundAsync(string id, string? reason, CancellationToken cancellationToken) =>
        await ReadAsync(await http.PostAsync($"api/rounds/{Uri.EscapeDataString(id)}/terminate{(reason is null ? "" : $"?reason={Uri.EscapeDataString(reason)}")}",
            null, cancellationToken), cancellationToken, expectBody: false);

    public async Task<(string Label, double Confidence, string Model)> PredictAsync(byte[] image, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(image);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var answer = await ReadAsync(await http.PostAsync("api/predict", content, cancellationToken), cancellationToken);
        return (answer.GetProperty("label").GetString()!, answer.GetProperty("confidence").GetDouble(), answer.GetProperty("model").GetString()!);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken, bool acceptUnavailable = false,
        bool expectBody = true)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var request = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}";
            var usable = response.IsSuccessStatusCode || (acceptUnavailable && response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable);
            if (!usable) throw Refused(request, response, text);
            if (!expectBody && text.Length == 0) return default;
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    private static SelfTrainApiException Refused(string request, HttpResponseMessage response, string text)
    {
        try
        {
            using var problem = JsonDocument.Parse(text);
            var root = problem.RootElement;
            var problems = root.TryGetProperty("problems", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(p => p.ToString()).ToArray() : [];
            return new SelfTrainApiException(request, response.StatusCode, root.StringOf("title"), root.StringOf("detail") ?? root.StringOf("reason"), problems);
        }
        catch (JsonException)
        {
            return new SelfTrainApiException(request, response.StatusCode, response.ReasonPhrase, text.Length == 0 ? null : text, []);
        }
    }
}
