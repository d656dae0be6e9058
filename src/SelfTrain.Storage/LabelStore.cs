using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using SelfTrain.Core;
using SelfTrain.Core.Labels;

namespace SelfTrain.Storage;

/// <summary>
/// The label table: one row per distinct image (row key = SHA-256 of its bytes; partition = its hash bucket, so
/// training shards can be built per partition in parallel). Writes are idempotent: recording an image again adds
/// its blob name if new and otherwise changes nothing.
/// </summary>
public sealed class LabelStore(StorageAccount storage, StorageLayout layout)
{
    /// <summary>Names kept per image; more uploads of the same bytes are counted, not listed.</summary>
    public const int MaxBlobNames = 100;
    private const int MaxTransaction = 100; // the service's limit per entity-group transaction
    private const int MaxConflictRetries = 10;

    private readonly Lock _creating = new();
    private Task<TableClient>? _table;

    /// <summary>
    /// The table, created on first use. A creation that failed (a 403 while roles propagate, a storage blip) is not
    /// kept: the next call tries again, so one bad start-up does not fail every write until the instance recycles.
    /// </summary>
    private Task<TableClient> TableAsync()
    {
        lock (_creating)
        {
            if (_table is null || _table.IsFaulted || _table.IsCanceled) _table = CreateAsync();
            return _table;
        }

        async Task<TableClient> CreateAsync()
        {
            var table = storage.Tables.GetTableClient(layout.Labels);
            await table.CreateIfNotExistsAsync();
            return table;
        }
    }

    public string PartitionOf(ContentAddress content) => content.Bucket(layout.LabelPartitions).ToString("D4");

    public IEnumerable<string> Partitions => Enumerable.Range(0, layout.LabelPartitions).Select(b => b.ToString("D4"));

    /// <summary>Records a batch: new images in one transaction per partition, the rest one by one.</summary>
    public async Task RecordAsync(IReadOnlyCollection<LabelRecord> records, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync();
        // The same bytes twice in one batch become one write with both names.
        var distinct = records.GroupBy(r => r.Content)
            .Select(g => g.First() with { BlobNames = g.SelectMany(r => r.BlobNames).Distinct().ToArray() });
        var chunks = distinct.GroupBy(r => PartitionOf(r.Content)).SelectMany(g => g.Chunk(MaxTransaction));

        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (chunk, ct) =>
            {
                try
                {
                    await table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Add, ToEntity(r))), ct);
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 409)
                {
                    // Some image is known already: settle each on its own.
                    foreach (var record in chunk) await RecordOneAsync(table, record, ct);
                }
            });
    }

    /// <summary>
    /// Replaces the label of images already in the store (a new model relabelled them), leaving their blob names as
    /// they are. One transaction per partition chunk.
    /// </summary>
    public async Task ReplaceLabelsAsync(IReadOnlyCollection<LabelRecord> records, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync();
        foreach (var chunk in records.GroupBy(r => PartitionOf(r.Content)).SelectMany(g => g.Chunk(MaxTransaction)))
        {
            await table.SubmitTransactionAsync(chunk.Select(r =>
            {
                var entity = ToEntity(r);
                entity.Remove("BlobNames");
                entity.Remove("UploadCount");
                return new TableTransactionAction(TableTransactionActionType.UpsertMerge, entity);
            }), cancellationToken);
        }
    }

    public async Task RecordAsync(LabelRecord record, CancellationToken cancellationToken = default) =>
        await RecordOneAsync(await TableAsync(), record, cancellationToken);

    private async Task RecordOneAsync(TableClient table, LabelRecord record, CancellationToken cancellationToken)
    {
        var partition = PartitionOf(record.Content);
        for (var attempt = 0; attempt < MaxConflictRetries; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(partition, record.Content.Hex, cancellationToken: cancellationToken);
            if (!existing.HasValue)
            {
                try
                {
                    await table.AddEntityAsync(ToEntity(record), cancellationToken);
                    return;
                }
                catch (RequestFailedException ex) when (ex.Status == 409) { continue; } // added meanwhile: merge instead
            }

            var entity = existing.Value!;
            var names = ReadNames(entity);
            var added = record.BlobNames.Where(n => !names.Contains(n)).ToArray();
            if (added.Length == 0) return; // delivered before: nothing to change

            var update = new TableEntity(partition, record.Content.Hex)
            {
                ["BlobNames"] = JsonSerializer.Serialize(names.Concat(added).Take(MaxBlobNames)),
                ["UploadCount"] = (entity.GetInt32("UploadCount") ?? names.Count) + added.Length,
            };
            try
            {
                await table.UpdateEntityAsync(update, entity.ETag, TableUpdateMode.Merge, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 412) { } // changed meanwhile: read again
        }
        throw new InvalidOperationException($"Label row {record.Content} kept changing during {MaxConflictRetries} attempts to add a blob name.");
    }

    public async Task<LabelRecord?> GetAsync(ContentAddress content, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync();
        var entity = await table.GetEntityIfExistsAsync<TableEntity>(PartitionOf(content), content.Hex, cancellationToken: cancellationToken);
        return entity.HasValue ? FromEntity(entity.Value!) : null;
    }

    /// <summary>Every row of one partition, streamed page by page.</summary>
    public async IAsyncEnumerable<LabelRecord> ReadPartitionAsync(string partition,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var table = await TableAsync();
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken))
            yield return FromEntity(entity);
    }

    /// <summary>Every row, partition by partition.</summary>
    public async IAsyncEnumerable<LabelRecord> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var table = await TableAsync();
        await foreach (var entity in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
            yield return FromEntity(entity);
    }

    /// <summary>How many images have a row, labelled or rejected; reads keys only.</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken = default)
    {
        var table = await TableAsync();
        var count = 0;
        await foreach (var page in table.QueryAsync<TableEntity>(select: ["RowKey"], cancellationToken: cancellationToken).AsPages())
            count += page.Values.Count;
        return count;
    }

    /// <summary>
    /// Counts every row by status, class, labelling model and rejection reason, reading only those four columns
    /// page by page: time grows with the table, memory does not.
    /// </summary>
    public async Task<LabelCensus> CensusAsync(TimeProvider clock, CancellationToken cancellationToken = default)
    {
        var started = clock.GetTimestamp();
        var table = await TableAsync();
        NameCounts byClass = new(), byModel = new(), byReason = new();
        long labelled = 0, rejected = 0;
        await foreach (var entity in table.QueryAsync<TableEntity>(select: ["Status", "Label", "ModelVersion", "RejectionReason"],
                           cancellationToken: cancellationToken))
        {
            if (entity.GetString("Status") == nameof(LabelStatus.Rejected))
            {
                rejected++;
                byReason.Add(entity.GetString("RejectionReason") ?? "unknown");
            }
            else
            {
                labelled++;
                byClass.Add(entity.GetString("Label") ?? "unknown");
                byModel.Add(entity.GetString("ModelVersion") ?? "unknown");
            }
        }
        return new LabelCensus(clock.GetUtcNow(), clock.GetElapsedTime(started), labelled, rejected, byClass.Snapshot(), byModel.Snapshot(), byReason.Snapshot());
    }

    private static List<string> ReadNames(TableEntity entity) =>
        JsonSerializer.Deserialize<List<string>>(entity.GetString("BlobNames") ?? "[]") ?? [];

    private TableEntity ToEntity(LabelRecord record)
    {
        var entity = new TableEntity(PartitionOf(record.Content), record.Content.Hex)
        {
            ["BlobNames"] = JsonSerializer.Serialize(record.BlobNames.Take(MaxBlobNames)),
            ["UploadCount"] = record.BlobNames.Count,
            ["Status"] = record.Status.ToString(),
            ["LabelledAt"] = record.LabelledAt,
            ["Width"] = record.Width,
            ["Height"] = record.Height,
        };
        if (record.Status == LabelStatus.Rejected)
        {
            entity["RejectionReason"] = record.RejectionReason;
            entity["RejectionDetail"] = record.RejectionDetail;
        }
        if (record.Prediction is { } p)
        {
            entity["ModelVersion"] = record.ModelVersion;
            entity["ClassIndex"] = p.ClassIndex;
            entity["Label"] = p.Label;
            entity["Confidence"] = (double)p.Confidence;
            entity["Margin"] = (double)p.Margin;
            entity["Entropy"] = (double)p.Entropy;
            entity["Probabilities"] = ProbabilityCodec.Encode(p.Probabilities);
        }
        return entity;
    }

    private static LabelRecord FromEntity(TableEntity entity)
    {
        Prediction? prediction = null;
        if (entity.GetString("Probabilities") is { } encoded)
        {
            prediction = new Prediction(entity.GetInt32("ClassIndex") ?? 0, entity.GetString("Label") ?? "",
                (float)(entity.GetDouble("Confidence") ?? 0), (float)(entity.GetDouble("Margin") ?? 0),
                (float)(entity.GetDouble("Entropy") ?? 0), ProbabilityCodec.Decode(encoded));
        }
        return new LabelRecord
        {
            Content = ContentAddress.Parse(entity.RowKey),
            BlobNames = ReadNames(entity),
            Status = Enum.Parse<LabelStatus>(entity.GetString("Status") ?? nameof(LabelStatus.Labelled)),
            LabelledAt = entity.GetDateTimeOffset("LabelledAt") ?? entity.Timestamp ?? default,
            RejectionReason = entity.GetString("RejectionReason"),
            RejectionDetail = entity.GetString("RejectionDetail"),
            ModelVersion = entity.GetString("ModelVersion"),
            Prediction = prediction,
            Width = entity.GetInt32("Width") ?? 0,
            Height = entity.GetInt32("Height") ?? 0,
        };
    }
}
