using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using SelfTrain.Core;
using SelfTrain.Workflow.Round;

namespace SelfTrain.Demo.Scenario;

/// <summary>The local host's HTTP API as the demo uses it; a refused request fails with the problem body it got.</summary>
public sealed class SelfTrainClient(HttpClient http)
{
    /// <summary>Orchestration payloads use the engine's PascalCase; the web defaults read either case.</summary>
    private static readonly JsonSerializerOptions Json = SelfTrainJson.Options;

    public async Task<string?> ChampionAsync(CancellationToken cancellationToken)
    {
        var health = await ReadAsync(await http.GetAsync("api/health", cancellationToken), cancellationToken);
        return health.TryGetProperty("champion", out var champion) ? champion.GetString() : null;
    }

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

    public async Task PromoteAsync(string version, string reason, CancellationToken cancellationToken) =>
        await ReadAsync(await http.PostAsJsonAsync($"api/models/{version}/promote", new { reason }, cancellationToken), cancellationToken);

    /// <summary>Starts a round (<c>POST /api/rounds</c>) and returns its instance id.</summary>
    public async Task<string> StartRoundAsync(object request, CancellationToken cancellationToken)
    {
        var payload = await ReadAsync(await http.PostAsJsonAsync("api/rounds", request, cancellationToken), cancellationToken);
        return payload.GetProperty("id").GetString()!;
    }

    /// <summary>
    /// Follows a round through the Durable Functions status endpoint until it ends, reporting each custom status.
    /// A failed or terminated round throws with the reason the orchestration gave.
    /// </summary>
    public async Task<RoundResult> FollowRoundAsync(string id, Action<RoundStatus> onStatus, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var response = await http.GetAsync($"runtime/webhooks/durabletask/instances/{id}", cancellationToken);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    return body.GetProperty("output").Deserialize<RoundResult>(Json)
                        ?? throw new InvalidDataException($"Round {id} completed without a result.");
                case HttpStatusCode.BadRequest:
                    throw new InvalidOperationException($"Round {id} {body.GetProperty("runtimeStatus").GetString()?.ToLowerInvariant()}: {body.GetProperty("output")}");
                case HttpStatusCode.Accepted:
                    if (body.TryGetProperty("customStatus", out var status) && status.ValueKind == JsonValueKind.Object)
                        onStatus(status.Deserialize<RoundStatus>(Json)!);
                    break;
                default:
                    throw new HttpRequestException($"GET status of round {id}: {(int)response.StatusCode} {body}");
            }
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    public async Task<(string Label, double Confidence, string Model)> PredictAsync(byte[] png, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(png);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var answer = await ReadAsync(await http.PostAsync("api/predict", content, cancellationToken), cancellationToken);
        return (answer.GetProperty("label").GetString()!, answer.GetProperty("confidence").GetDouble(), answer.GetProperty("model").GetString()!);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: {(int)response.StatusCode} {text}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }
}
