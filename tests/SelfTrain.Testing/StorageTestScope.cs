using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using SelfTrain.Storage;

namespace SelfTrain.Testing;

/// <summary>
/// Isolated storage for one test: every container, queue and table it names carries the scope's unique prefix,
/// so tests running in parallel never see each other's data, and all of them are deleted on dispose.
/// </summary>
public sealed class StorageTestScope : IAsyncDisposable
{
    private readonly List<BlobContainerClient> _containers = [];
    private readonly List<QueueClient> _queues = [];
    private readonly List<TableClient> _tables = [];

    internal StorageTestScope(StorageAccount account)
    {
        Account = account;
        Prefix = "t" + Guid.NewGuid().ToString("N")[..10];
    }

    public StorageAccount Account { get; }

    /// <summary>
    /// The system's storage layout under this scope's prefix. Every container, queue and table it names is removed
    /// on dispose, whether the test or the code under test created it.
    /// </summary>
    public StorageLayout Layout
    {
        get
        {
            var layout = new StorageLayout { Prefix = Prefix, LabelPartitions = 8 };
            foreach (var container in new[] { layout.Incoming, layout.Quarantine, layout.Models, layout.Candidates, layout.Shards, layout.Gold, layout.Runs, layout.DeadLetters })
                Track(_containers, Account.Blobs.GetBlobContainerClient(container));
            foreach (var queue in new[] { layout.TrainingJobs, layout.TrainingResults, layout.TrainingResultsPoison, layout.BlobTriggerPoison })
                Track(_queues, Account.Queues.GetQueueClient(queue));
            Track(_tables, Account.Tables.GetTableClient(layout.Labels));
            return layout;
        }
    }

    /// <summary>Lower-case letters and digits, starting with a letter: valid in container, queue and table names.</summary>
    public string Prefix { get; }

    /// <summary>The unique name for <paramref name="name"/> in this scope, removed on dispose; not created.</summary>
    public BlobContainerClient Container(string name) => Track(_containers, Account.Blobs.GetBlobContainerClient($"{Prefix}-{name}"));

    public QueueClient Queue(string name) => Track(_queues, Account.Queues.GetQueueClient($"{Prefix}-{name}"));

    /// <summary>Table names allow letters and digits only, so the name is appended without a separator.</summary>
    public TableClient Table(string name) =>
        Track(_tables, Account.Tables.GetTableClient(Prefix + new string(name.Where(char.IsAsciiLetterOrDigit).ToArray())));

    public async Task<BlobContainerClient> CreateContainerAsync(string name)
    {
        var container = Container(name);
        await container.CreateIfNotExistsAsync();
        return container;
    }

    public async Task<QueueClient> CreateQueueAsync(string name)
    {
        var queue = Queue(name);
        await queue.CreateIfNotExistsAsync();
        return queue;
    }

    public async Task<TableClient> CreateTableAsync(string name)
    {
        var table = Table(name);
        await table.CreateIfNotExistsAsync();
        return table;
    }

    public async ValueTask DisposeAsync()
    {
        // Names that a test used but never created are fine: the deletes below ignore what does not exist. Bounded, so
        // an emulator that stops answering fails the test that saw it instead of hanging the run.
        using var cancel = new CancellationTokenSource(CleanupTimeout);
        try
        {
            await Task.WhenAll(
                _containers.Select(c => IgnoreMissing(c.DeleteIfExistsAsync(cancellationToken: cancel.Token)))
                    .Concat(_queues.Select(q => IgnoreMissing(q.DeleteIfExistsAsync(cancel.Token))))
                    .Concat(_tables.Select(t => IgnoreMissing(t.DeleteAsync(cancel.Token)))));
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"Storage did not delete the test's resources (prefix {Prefix}) within {CleanupTimeout}.");
        }
    }

    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromMinutes(2);

    private static T Track<T>(List<T> list, T client)
    {
        lock (list) list.Add(client);
        return client;
    }

    private static async Task IgnoreMissing(Task task)
    {
        try { await task; }
        catch (RequestFailedException ex) when (ex.Status == 404) { }
    }
}
