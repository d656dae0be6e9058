using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using SelfTrain.Core;
using SelfTrain.Core.Telemetry;
using SelfTrain.Inference;
using SelfTrain.Serving;

namespace SelfTrain.Api;

// The wire types of the Azure AI Model Inference contract: its names are snake_case, so they are spelt out here
// rather than left to the project's camelCase convention.
public sealed record EmbeddingsRequest(
    [property: JsonPropertyName("input")] IReadOnlyList<EmbeddingInput>? Input,
    [property: JsonPropertyName("dimensions")] int? Dimensions = null,
    [property: JsonPropertyName("encoding_format")] string? EncodingFormat = null,
    [property: JsonPropertyName("model")] string? Model = null);

public sealed record EmbeddingInput([property: JsonPropertyName("image")] string? Image, [property: JsonPropertyName("text")] string? Text = null);

public sealed record EmbeddingItem([property: JsonPropertyName("index")] int Index, [property: JsonPropertyName("embedding")] float[] Embedding);

public sealed record EmbeddingsUsage([property: JsonPropertyName("prompt_tokens")] int PromptTokens, [property: JsonPropertyName("total_tokens")] int TotalTokens);

public sealed record EmbeddingsResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("data")] IReadOnlyList<EmbeddingItem> Data,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("usage")] EmbeddingsUsage Usage);

public sealed record ModelInfo(
    [property: JsonPropertyName("model_name")] string ModelName,
    [property: JsonPropertyName("model_type")] string ModelType,
    [property: JsonPropertyName("model_provider_name")] string ModelProviderName);

public sealed record InferenceError([property: JsonPropertyName("code")] string Code, [property: JsonPropertyName("message")] string Message);

public sealed record InferenceErrorBody([property: JsonPropertyName("error")] InferenceError Error);

/// <summary>
/// The image-embeddings routes of the Azure AI Model Inference contract (api-version 2024-05-01-preview), served from
/// the champion's embedding output: <c>GET {endpoint}/info</c> and <c>POST {endpoint}/images/embeddings</c> with
/// <c>{endpoint}</c> = <c>/api/inference</c>, so Azure.AI.Inference's <c>ImageEmbeddingsClient</c> works unchanged.
/// Errors are the contract's <c>{"error":{"code","message"}}</c>, which that client reads, rather than problem+json;
/// a message lists every problem of the request.
/// </summary>
public sealed partial class EmbeddingsHandler(ServedModel champion, ServingOptions options)
{
    public const string Prefix = "inference";
    public const string InfoRoute = Prefix + "/info";
    public const string EmbeddingsRoute = Prefix + "/images/embeddings";
    public const string ApiVersion = "2024-05-01-preview";
    public const string ModelType = "image_embeddings";
    public const string ProviderName = "SelfTrain";

    public IResult Info(HttpRequest request)
    {
        if (WrongApiVersion(request) is { } wrong) return wrong;
        using var lease = champion.TryAcquire();
        if (lease is null || lease.Classifier.Manifest.Embedding is null) return NoEmbeddingModel(lease);
        return Results.Json(new ModelInfo(lease.Classifier.Manifest.Version, ModelType, ProviderName));
    }

    public async Task<IResult> EmbedAsync(HttpRequest request)
    {
        if (WrongApiVersion(request) is { } wrong) return wrong;
        if (!IsJson(request.ContentType))
            return Error(StatusCodes.Status415UnsupportedMediaType, "UnsupportedMediaType", $"Send the request as application/json, not '{request.ContentType}'.");
        if (request.ContentLength > options.MaxEmbeddingRequestBytes)
            return TooLarge(request.ContentLength.Value);

        var body = await ReadBoundedAsync(request.Body, options.MaxEmbeddingRequestBytes, request.HttpContext.RequestAborted);
        if (body is null) return TooLarge(options.MaxEmbeddingRequestBytes + 1);
        EmbeddingsRequest? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<EmbeddingsRequest>(body, SelfTrainJson.Options);
        }
        catch (JsonException ex)
        {
            return Error(StatusCodes.Status400BadRequest, "InvalidJson", $"The request body is not the embeddings request: {ex.Message}");
        }

        using var lease = champion.TryAcquire();
        if (lease is null || lease.Classifier.Manifest.Embedding is null) return NoEmbeddingModel(lease);
        var model = lease.Classifier;
        var embedding = model.Manifest.Embedding;

        // What the model cannot do is 422, as the contract has it; a malformed request is 400.
        var unsupported = new List<string>();
        if (parsed?.Dimensions is { } dimensions && dimensions != embedding.Dimensions)
            unsupported.Add($"dimensions {dimensions} is not supported: '{model.Manifest.Version}' embeds in {embedding.Dimensions}");
        if (parsed?.EncodingFormat is { } format && format != "float")
            unsupported.Add($"encoding_format '{format}' is not supported: only 'float' is served");
        var (images, problems) = DecodeInputs(parsed);
        if (parsed?.Model is { } name && name != model.Manifest.Version)
            problems.Add($"model '{name}' is not served here; this endpoint serves '{model.Manifest.Version}'");
        if (problems.Count > 0) return Error(StatusCodes.Status400BadRequest, "InvalidRequest", string.Join("; ", problems.Concat(unsupported)) + ".");
        if (unsupported.Count > 0) return Error(StatusCodes.Status422UnprocessableEntity, "UnsupportedParameter", string.Join("; ", unsupported) + ".");

        using var span = SelfTrainTelemetry.Source.StartActivity("selftrain.embed");
        span?.SetTag("selftrain.model", model.Manifest.Version);
        span?.SetTag("selftrain.images", images.Count);
        var started = Stopwatch.GetTimestamp();
        var outcomes = ImageEmbedder.Embed(model, images, options.Limits);
        SelfTrainTelemetry.EmbedDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            new KeyValuePair<string, object?>("selftrain.model", model.Manifest.Version));

        var refused = outcomes.Select((outcome, index) => (outcome.Rejection, index)).Where(r => r.Rejection is not null).ToArray();
        if (refused.Length > 0)
        {
            var tooLarge = refused.All(r => r.Rejection!.Reason is RejectionReason.TooManyBytes or RejectionReason.TooManyPixels);
            return Error(tooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest, "InvalidImage",
                string.Join("; ", refused.Select(r => $"input[{r.index}]: {r.Rejection!.Reason}: {r.Rejection.Message}")));
        }
        var data = outcomes.Select((outcome, index) => new EmbeddingItem(index, outcome.Embedding!)).ToArray();
        // Images are not tokens; usage counts none, as the contract's image models report for inputs they do not tokenize.
        return Results.Json(new EmbeddingsResponse($"embeddings-{Guid.NewGuid():N}", data, model.Manifest.Version, new EmbeddingsUsage(0, 0)));
    }

    /// <summary>The images of the request, or every problem with its inputs.</summary>
    private (List<byte[]> Images, List<string> Problems) DecodeInputs(EmbeddingsRequest? request)
    {
        var images = new List<byte[]>();
        var problems = new List<string>();
        if (request?.Input is not { Count: > 0 } inputs)
        {
            problems.Add("input must list at least one image");
            return (images, problems);
        }
        if (inputs.Count > options.MaxEmbeddingInputs)
        {
            problems.Add($"input has {inputs.Count} images; at most {options.MaxEmbeddingInputs} are embedded per request");
            return (images, problems);
        }
        for (var i = 0; i < inputs.Count; i++)
        {
            var url = inputs[i]?.Image;
            var match = url is null ? null : DataUrl().Match(url);
            if (match is not { Success: true })
            {
                problems.Add($"input[{i}].image must be a data URL (data:image/png;base64,…)");
                continue;
            }
            var payload = match.Groups["data"];
            // Checked before decoding, so an oversized image costs no buffer.
            if ((long)payload.Length / 4 * 3 > options.MaxImageBytes + 2)
            {
                problems.Add($"input[{i}].image has about {(long)payload.Length / 4 * 3:N0} bytes; the limit is {options.MaxImageBytes:N0}");
                continue;
            }
            var bytes = new byte[payload.Length / 4 * 3];
            if (!Convert.TryFromBase64Chars(url.AsSpan(payload.Index, payload.Length), bytes, out var written))
                problems.Add($"input[{i}].image is not valid base64");
            else images.Add(bytes[..written]);
        }
        return (images, problems);
    }

    private static async Task<byte[]?> ReadBoundedAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    private static IResult? WrongApiVersion(HttpRequest request) =>
        request.Query["api-version"].FirstOrDefault() is { } version && version != ApiVersion
            ? Error(StatusCodes.Status400BadRequest, "UnsupportedApiVersion", $"api-version '{version}' is not served; use '{ApiVersion}'.")
            : null;

    private IResult TooLarge(long bytes) =>
        Error(StatusCodes.Status413PayloadTooLarge, "RequestTooLarge",
            $"The request has {bytes:N0} bytes or more; the limit is {options.MaxEmbeddingRequestBytes:N0}. Send fewer images per request.");

    private static IResult NoEmbeddingModel(ModelLease? lease) => lease is null
        ? Error(StatusCodes.Status503ServiceUnavailable, "NoModel", "No champion model has been registered.")
        : Error(StatusCodes.Status503ServiceUnavailable, "NoEmbedding", $"The champion '{lease.Classifier.Manifest.Version}' has no embedding output.");

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new InferenceErrorBody(new InferenceError(code, message)), statusCode: status);

    [GeneratedRegex(@"^data:image/[A-Za-z0-9.+-]+;base64,(?<data>[A-Za-z0-9+/=\s]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex DataUrl();
}
