using System.Buffers.Binary;
using System.IO.Hashing;

namespace SelfTrain.Core.Shards;

/// <summary>
/// Writes a shard to a stream sample by sample: the header first (so the sample count is declared up front), then
/// each record, then the CRC-32 of everything before it. Nothing is buffered beyond one record.
/// </summary>
public sealed class ShardWriter
{
    private readonly Stream _stream;
    private readonly string _name;
    private readonly Crc32 _crc = new();
    private readonly byte[] _record;
    private int _written;
    private bool _completed;

    private ShardWriter(Stream stream, ShardHeader header, string name)
    {
        _stream = stream;
        Header = header;
        _name = name;
        _record = new byte[header.RecordBytes];
    }

    public ShardHeader Header { get; }

    public static async Task<ShardWriter> CreateAsync(Stream stream, ShardHeader header, string shardName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(header);
        if (header.Problem() is { } problem) throw new ArgumentException($"Shard '{shardName}': {problem}.", nameof(header));
        var writer = new ShardWriter(stream, header, shardName);
        var bytes = new byte[ShardFormat.HeaderBytes];
        ShardFormat.Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), ShardFormat.CurrentVersion);
        bytes[6] = (byte)header.LabelKind;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), header.SampleCount);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(12), (ushort)header.Channels);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(14), (ushort)header.Height);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(16), (ushort)header.Width);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(18), (ushort)header.ClassCount);
        await writer.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        return writer;
    }

    /// <summary>Writes a whole shard: the header, every sample and the checksum.</summary>
    public static async Task WriteAllAsync(Stream stream, ShardHeader header, string shardName, IEnumerable<ShardSample> samples,
        CancellationToken cancellationToken = default)
    {
        var writer = await CreateAsync(stream, header, shardName, cancellationToken).ConfigureAwait(false);
        foreach (var sample in samples) await writer.WriteAsync(sample, cancellationToken).ConfigureAwait(false);
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task WriteAsync(ShardSample sample, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sample);
        Encode(Header, sample, _record, _name);
        await WriteRecordAsync(_record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes one record already encoded for this header (a <see cref="ShardSpool"/>'s).</summary>
    internal async Task WriteRecordAsync(byte[] record, CancellationToken cancellationToken)
    {
        if (_completed) throw new InvalidOperationException($"Shard '{_name}' is already complete.");
        if (_written == Header.SampleCount)
            throw new InvalidOperationException($"Shard '{_name}' declared {Header.SampleCount} samples; no more can be written.");
        if (record.Length != Header.RecordBytes)
            throw new ArgumentException($"Shard '{_name}': a record has {record.Length} bytes; the header says {Header.RecordBytes}.", nameof(record));
        await WriteAsync(record, cancellationToken).ConfigureAwait(false);
        _written++;
    }

    /// <summary>Writes the checksum; fails when fewer samples were written than the header declares.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_completed) return;
        if (_written != Header.SampleCount)
            throw new InvalidOperationException($"Shard '{_name}' declared {Header.SampleCount} samples but {_written} were written.");
        var checksum = new byte[ShardFormat.ChecksumBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(checksum, _crc.GetCurrentHashAsUInt32());
        await _stream.WriteAsync(checksum, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        _completed = true;
    }

    /// <summary>Encodes <paramref name="sample"/> as one record of a shard with <paramref name="header"/>'s shape.</summary>
    internal static void Encode(ShardHeader header, ShardSample sample, byte[] record, string name)
    {
        if (sample.Pixels.Length != header.ImageBytes)
            throw new ArgumentException($"Shard '{name}': a sample has {sample.Pixels.Length} pixel bytes; the header says {header.ImageBytes}.", nameof(sample));
        if (!float.IsFinite(sample.Weight) || sample.Weight < 0)
            throw new ArgumentException($"Shard '{name}': weight {sample.Weight} must be finite and not negative.", nameof(sample));
        if (!Enum.IsDefined(sample.Source))
            throw new ArgumentException($"Shard '{name}': unknown sample source {sample.Source}.", nameof(sample));

        var span = record.AsSpan();
        sample.Pixels.CopyTo(span);
        var offset = header.ImageBytes;
        if (header.LabelKind == ShardLabelKind.Soft)
        {
            var probabilities = sample.Probabilities
                ?? throw new ArgumentException($"Shard '{name}' holds soft labels; a sample has none.", nameof(sample));
            if (probabilities.Length != header.ClassCount)
                throw new ArgumentException($"Shard '{name}': a sample has {probabilities.Length} probabilities for {header.ClassCount} classes.", nameof(sample));
            foreach (var p in probabilities)
            {
                BinaryPrimitives.WriteSingleLittleEndian(span[offset..], p);
                offset += 4;
            }
        }
        else
        {
            if (sample.ClassIndex < 0 || sample.ClassIndex >= header.ClassCount)
                throw new ArgumentException($"Shard '{name}': class index {sample.ClassIndex} is outside 0..{header.ClassCount - 1}.", nameof(sample));
            BinaryPrimitives.WriteInt32LittleEndian(span[offset..], sample.ClassIndex);
            offset += 4;
        }
        BinaryPrimitives.WriteSingleLittleEndian(span[offset..], sample.Weight);
        span[offset + 4] = (byte)sample.Source;
    }

    private async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        _crc.Append(bytes);
        await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }
}
