namespace SelfTrain.Core.Shards;

/// <summary>
/// Collects a shard's samples on disk when their number is not known up front (the header declares it first): each
/// sample is encoded as its record into a temporary file that deletes itself, and <see cref="WriteShardAsync"/> then
/// writes the header with the final count, the records and the checksum to any stream. Memory stays at one record
/// whatever the shard's size.
/// </summary>
public sealed class ShardSpool : IAsyncDisposable
{
    private const int FileBuffer = 1 << 16;

    private readonly ShardHeader _shape;
    private readonly string _name;
    private readonly FileStream _file;
    private readonly byte[] _record;

    /// <param name="shape">The shard's header; its sample count is ignored (the spool counts).</param>
    public ShardSpool(ShardHeader shape, string shardName)
    {
        if ((shape with { SampleCount = 0 }).Problem() is { } problem) throw new ArgumentException($"Shard '{shardName}': {problem}.", nameof(shape));
        _shape = shape with { SampleCount = 0 };
        _name = shardName;
        _record = new byte[_shape.RecordBytes];
        _file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, FileBuffer,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
    }

    public int Count { get; private set; }

    public async Task AddAsync(ShardSample sample, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (Count == int.MaxValue) throw new InvalidOperationException($"Shard '{_name}' cannot hold more than {int.MaxValue} samples.");
        ShardWriter.Encode(_shape, sample, _record, _name);
        await _file.WriteAsync(_record, cancellationToken).ConfigureAwait(false);
        Count++;
    }

    /// <summary>The whole shard: header (with <see cref="Count"/>), every record in the order added, checksum.</summary>
    public async Task WriteShardAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        _file.Position = 0;
        var writer = await ShardWriter.CreateAsync(destination, _shape with { SampleCount = Count }, _name, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < Count; i++)
        {
            await _file.ReadExactlyAsync(_record, cancellationToken).ConfigureAwait(false);
            await writer.WriteRecordAsync(_record, cancellationToken).ConfigureAwait(false);
        }
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        _file.Position = _file.Length;
    }

    public ValueTask DisposeAsync() => _file.DisposeAsync();
}
