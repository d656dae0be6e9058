using System.Diagnostics;
using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using SelfTrain.Core;
using SelfTrain.Core.Telemetry;
using SelfTrain.Inference;
using SelfTrain.Serving;
using SelfTrain.Storage;

namespace SelfTrain.Api;

public sealed record ClassProbability(string Label, float Probability);

public sealed record PredictionResponse(string Label, int ClassIndex, float Confidence, IReadOnlyList<ClassProbability> Top, string Model);

/// <summary>
/// <c>POST /api/predict</c>: an image as the raw body or as multipart field <c>image</c>; answers the champion's
/// prediction. <c>?top=k</c> (default 5) sizes the ranking; <c>?capture=true</c> also stores the image in
/// <c>incoming/</c>, where it is labelled like any upload: where the host registers <see cref="IncomingNotices"/>
/// (the local host, which has no Event Grid) a new capture leaves one, spaced like any uploader's. Errors are RFC 7807
/// problem+json.
/// </summary>
public sealed class PredictHandler(ServedModel champion, StorageAccount storage, StorageLayout layout, ServingOptions options,
    IncomingNotices? notices = null)
{
    public const string Route = "predict";
    public const string FormField = "image";

    public async Task<IResult> HandleAsync(HttpRequest request)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        if (!int.TryParse(request.Query["top"].FirstOrDefault() ?? "5", out var top) || top < 1)
            return Problem(StatusCodes.Status400BadRequest, "Invalid 'top'", "'top' must be a positive integer.");
        var capture = string.Equals(request.Query["capture"].FirstOrDefault(), "true", StringComparison.OrdinalIgnoreCase);

        byte[] bytes;
        try
        {
            var body = await OpenImageAsync(request, cancellationToken);
            if (body.Problem is not null) return body.Problem;
            await using var stream = body.Stream!;
            bytes = await ImageDecoder.ReadAsync(stream, options.Limits, cancellationToken, body.Length);
        }
        catch (ImageRejectedException rejection)
        {
            return Rejected(rejection);
        }

        using var lease = champion.TryAcquire();
        if (lease is null)
            return Problem(StatusCodes.Status503ServiceUnavailable, "No model is served yet", "No champion model has been registered.");

        var model = lease.Classifier;
        using var span = SelfTrainTelemetry.Source.StartActivity("selftrain.predict");
        span?.SetTag("selftrain.model", model.Manifest.Version);
        var started = Stopwatch.GetTimestamp();
        var outcome = ImageClassifier.Classify(model, [bytes], options.Limits)[0];
        var result = outcome.Rejection is null ? "predicted" : outcome.Rejection.Reason.ToString();
        SelfTrainTelemetry.PredictDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            new KeyValuePair<string, object?>("selftrain.model", model.Manifest.Version), new KeyValuePair<string, object?>("selftrain.outcome", result));
        span?.SetTag("selftrain.outcome", result);
        if (outcome.Rejection is not null) return Rejected(outcome.Rejection);

        if (capture) await CaptureAsync(bytes, cancellationToken);

        var prediction = outcome.Prediction!;
        var ranking = prediction.Top(top).Select(t => new ClassProbability(model.Manifest.Classes[t.ClassIndex], t.Probability)).ToArray();
        return Results.Ok(new PredictionResponse(prediction.Label, prediction.ClassIndex, prediction.Confidence, ranking, model.Manifest.Version));
    }

    private async Task<(Stream? Stream, IResult? Problem, long? Length)> OpenImageAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > options.MaxImageBytes)
            throw new ImageRejectedException(RejectionReason.TooManyBytes,
                $"The request has {request.ContentLength:N0} bytes; the limit is {options.MaxImageBytes:N0}.");

        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                // Bound the form reader too, so an oversized multipart body is refused rather than buffered.
                var formOptions = new FormOptions { MultipartBodyLengthLimit = options.MaxImageBytes + 64 * 1024 };
                form = await new FormFeature(request, formOptions).ReadFormAsync(cancellationToken);
            }
            catch (InvalidDataException ex)
            {
                return (null, Problem(ex.Message.Contains("length limit", StringComparison.OrdinalIgnoreCase) ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest,
                    "Unreadable form", ex.Message), null);
            }
            return form.Files.GetFile(FormField) is { } file
                ? (file.OpenReadStream(), null, file.Length)
                : (null, Problem(StatusCodes.Status400BadRequest, "No image", $"The multipart form has no file field '{FormField}'."), null);
        }

        if (request.ContentType is { Length: > 0 } contentType
            && (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
                || !(mediaType.Type.Equals("image", StringComparison.OrdinalIgnoreCase)
                     || mediaType.MediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase))))
            return (null, Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Send an image as the body (image/* or application/octet-stream) or as multipart field '{FormField}', not '{contentType}'."), null);

        return (request.Body, null, request.ContentLength);
    }

    private async Task CaptureAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        var incoming = storage.Blobs.GetBlobContainerClient(layout.Incoming);
        await incoming.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        try
        {
            // Named by content, so capturing the same picture twice stores it once.
            await incoming.GetBlobClient($"captured/{ContentAddress.Of(bytes).Hex}").UploadAsync(BinaryData.FromBytes(bytes),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return; // stored before, and noticed then
        }
        if (notices is not null) await notices.UploadedAsync(cancellationToken: cancellationToken);
    }

    private static IResult Rejected(ImageRejectedException rejection) => rejection.Reason switch
    {
        RejectionReason.TooManyBytes or RejectionReason.TooManyPixels => Problem(StatusCodes.Status413PayloadTooLarge, "Image too large", rejection.Message, rejection.Reason),
        RejectionReason.UnsupportedFormat => Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported image format", rejection.Message, rejection.Reason),
        _ => Problem(StatusCodes.Status400BadRequest, "Unreadable image", rejection.Message, rejection.Reason),
    };

    private static IResult Problem(int status, string title, string detail, RejectionReason? reason = null) =>
        Results.Problem(title: title, detail: detail, statusCode: status,
            extensions: reason is null ? null : new Dictionary<string, object?> { ["reason"] = reason.ToString() });
}
