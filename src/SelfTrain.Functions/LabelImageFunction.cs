using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using SelfTrain.Serving;

namespace SelfTrain.Functions;

/// <summary>Labels each image uploaded to <c>incoming/</c>, delivered by Event Grid.</summary>
public sealed partial class LabelImageFunction(ImageLabeler labeler, ILogger<LabelImageFunction> logger)
{
    [Function("LabelImage")]
    public async Task Run(
        [BlobTrigger("incoming/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] BlobClient blob,
        FunctionContext context)
    {
        try
        {
            await labeler.LabelBlobAsync(blob.Name, context.CancellationToken);
        }
        catch (NoChampionException)
        {
            // Retrying now would only burn the delivery's retries: the image stays unmarked in incoming/ and the
            // sweep labels it once a champion serves.
            LogLeftForSweep(blob.Name);
        }
    }

    [LoggerMessage(LogLevel.Warning, "No champion serves yet: {BlobName} is left in incoming/ for the sweep")]
    private partial void LogLeftForSweep(string blobName);
}
