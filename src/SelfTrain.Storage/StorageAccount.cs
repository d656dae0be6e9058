using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace SelfTrain.Storage;

/// <summary>
/// The one storage account the system uses, reached either by connection string (Azurite locally) or by account
/// name and a managed identity (Azure, where shared keys are disabled). Clients share the SDK's exponential
/// retry policy, so transient failures (throttling, timeouts, 5xx) are retried with backoff everywhere.
/// </summary>
public sealed class StorageAccount
{
    private StorageAccount(BlobServiceClient blobs, QueueServiceClient queues, TableServiceClient tables)
    {
        Blobs = blobs;
        Queues = queues;
        Tables = tables;
    }

    public BlobServiceClient Blobs { get; }
    public QueueServiceClient Queues { get; }
    public TableServiceClient Tables { get; }

    /// <summary>The setting both hosts read, as the Functions runtime names it.</summary>
    public const string SettingName = "AzureWebJobsStorage";

    /// <summary>Azurite's well-known development account.</summary>
    public const string DevelopmentConnectionString = "UseDevelopmentStorage=true";

    /// <param name="policies">Extra per-call pipeline policies for every client (e.g. a test's fault injection).</param>
    public static StorageAccount FromConnectionString(string connectionString, params HttpPipelinePolicy[] policies) =>
        new(new BlobServiceClient(connectionString, Configure(new BlobClientOptions(), policies)),
            new QueueServiceClient(connectionString, Configure(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }, policies)),
            new TableServiceClient(connectionString, Configure(new TableClientOptions(), policies)));

    /// <summary>Identity-based access; <paramref name="managedIdentityClientId"/> selects a user-assigned identity.</summary>
    public static StorageAccount FromAccountName(string accountName, string? managedIdentityClientId = null)
    {
        TokenCredential credential = managedIdentityClientId is { Length: > 0 }
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(managedIdentityClientId))
            : new DefaultAzureCredential();
        return new(new BlobServiceClient(new Uri($"https://{accountName}.blob.core.windows.net"), credential, Configure(new BlobClientOptions())),
            new QueueServiceClient(new Uri($"https://{accountName}.queue.core.windows.net"), credential,
                Configure(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 })),
            new TableServiceClient(new Uri($"https://{accountName}.table.core.windows.net"), credential, Configure(new TableClientOptions())));
    }

    /// <summary>
    /// Reads the Functions-style setting named <paramref name="name"/> through configuration keys: a connection
    /// string, or the identity form used when shared keys are disabled — environment variables
    /// <c>{name}__accountName</c> and <c>{name}__clientId</c>, which configuration reads as <c>{name}:accountName</c>.
    /// </summary>
    public static StorageAccount FromSetting(Func<string, string?> settings, string name = SettingName)
    {
        if (settings(name) is { Length: > 0 } connectionString)
            return FromConnectionString(connectionString);
        if (settings($"{name}:accountName") is { Length: > 0 } accountName)
            return FromAccountName(accountName, settings($"{name}:clientId"));
        throw new InvalidOperationException(
            $"Storage is not configured: set '{name}' to a connection string (e.g. '{DevelopmentConnectionString}' for Azurite) " +
            $"or '{name}__accountName' (with '{name}__clientId' for a user-assigned identity).");
    }

    private static T Configure<T>(T options, params HttpPipelinePolicy[] policies) where T : ClientOptions
    {
        foreach (var policy in policies) options.AddPolicy(policy, HttpPipelinePosition.PerCall);
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 5;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(10);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
        return options;
    }
}
