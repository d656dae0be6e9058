using System.CommandLine;
using SelfTrain.Client;
using SelfTrain.Storage;

namespace SelfTrain.Cli;

/// <summary>
/// Where the system runs, given to every command: the host's address and the storage account, each from an option
/// or the environment (defaults: what <c>./scripts/serve.sh</c> starts). The operator key is read only from the
/// environment (<c>SELFTRAIN_OPERATOR_KEY</c>), so it never shows in a process list or a shell history.
/// </summary>
public sealed class Connection
{
    public const string HostVariable = "SELFTRAIN_HOST";
    public const string StorageVariable = "SELFTRAIN_STORAGE";
    public const string StorageAccountVariable = "SELFTRAIN_STORAGE_ACCOUNT";
    public const string OperatorKeyVariable = "SELFTRAIN_OPERATOR_KEY";
    public const string DefaultHost = "http://127.0.0.1:7071";

    public Option<Uri> Host { get; } = new("--host")
    {
        Description = $"the host's base address (or ${HostVariable})",
        DefaultValueFactory = _ => new Uri(Environment.GetEnvironmentVariable(HostVariable) ?? DefaultHost),
        Recursive = true,
        CustomParser = result => Uri.TryCreate(result.Tokens.Single().Value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri : Invalid<Uri>(result, "--host must be an absolute http(s) address"),
    };

    public Option<string?> Storage { get; } = new("--storage")
    {
        Description = $"the storage account's connection string (default: ${StorageVariable}, else Azurite on its default ports as serve.sh starts it; " +
            "prefer the variable for a real account's key: a command line is visible to other users of the machine)",
        Recursive = true,
    };

    public Option<string?> StorageAccountName { get; } = new("--storage-account")
    {
        Description = $"the storage account's name, reached with your Azure identity instead of a connection string (or ${StorageAccountVariable})",
        Recursive = true,
    };

    public IEnumerable<Option> All => [Host, Storage, StorageAccountName];

    public SelfTrainClient Api(ParseResult parse) =>
        SelfTrainClient.Create(parse.GetValue(Host)!, Environment.GetEnvironmentVariable(OperatorKeyVariable));

    public StorageAccount Account(ParseResult parse)
    {
        if ((parse.GetValue(StorageAccountName) ?? Environment.GetEnvironmentVariable(StorageAccountVariable)) is { Length: > 0 } name)
            return StorageAccount.FromAccountName(name);
        return StorageAccount.FromConnectionString(parse.GetValue(Storage) ?? Environment.GetEnvironmentVariable(StorageVariable)
            ?? StorageAccount.DevelopmentConnectionString);
    }

    /// <summary>The storage names the hosts use (no prefix: that is for tests sharing one account).</summary>
    public StorageLayout Layout { get; } = new();

    private static T Invalid<T>(System.CommandLine.Parsing.ArgumentResult result, string problem)
    {
        result.AddError(problem);
        return default!;
    }
}
