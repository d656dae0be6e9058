using Microsoft.Azure.Functions.Worker;
using SelfTrain.Serving;

namespace SelfTrain.Functions;

/// <summary>Labels each image uploaded to <c>incoming/</c>, delivered by Event Grid.</summary>
public sealed class LabelImageFunction(ImageLabeler labeler)
{
    [Function("LabelImage")]
    public async Task Run(
        [BlobTrigger("incoming/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] Stream blob,
        string name, FunctionContext context)
    {
        // NoChampionException propagates: the blob extension retries the delivery, and the image stays in incoming/.
        await labeler.LabelAsync(name, blob, context.CancellationToken);
    }
}
