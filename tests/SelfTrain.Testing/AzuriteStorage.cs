using Azure;
using SelfTrain.Storage;

namespace SelfTrain.Testing;

/// <summary>
/// The Azurite instance the test run talks to: <c>SELFTRAIN_TEST_STORAGE</c> (set by scripts/test.sh), or Azurite's
/// default ports. Fails fast with a clear message when nothing answers, rather than letting each test time out.
/// </summary>
public static class AzuriteStorage
{
    public const string ConnectionStringVariable = "SELFTRAIN_TEST_STORAGE";

    public static string ConnectionString { get; } =
        Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } value ? value : StorageAccount.DevelopmentConnectionString;

    private static readonly Lazy<Task<StorageAccount>> Account = new(ConnectAsync);

    /// <summary>A scope whose resources get names no other test uses, deleted when the scope is disposed.</summary>
    public static async Task<StorageTestScope> CreateScopeAsync() => new(await Account.Value);

    private static async Task<StorageAccount> ConnectAsync()
    {
        var account = StorageAccount.FromConnectionString(ConnectionString);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await account.Blobs.GetPropertiesAsync(timeout.Token);
            await account.Queues.GetPropertiesAsync(timeout.Token);
            await account.Tables.GetPropertiesAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is RequestFailedException or OperationCanceledException or AggregateException)
        {
            throw new InvalidOperationException(
                $"Azurite is not reachable with '{ConnectionString}' ({ex.Message}). Run the tests through ./scripts/test.sh, " +
                $"which starts Azurite, or start it yourself and set {ConnectionStringVariable}.", ex);
        }
        return account;
    }
}
