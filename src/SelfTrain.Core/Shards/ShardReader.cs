using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;

namespace SelfTrain.Core.Shards;

/// <summary>
/// Reads a shard from a stream sample by sample, holding one record at a time. Every problem is a
/// <see cref="ShardFormatException"/> naming the shard. The checksum covers the whole shard, so it is verified after
/// the last sample: a consumer must treat the samples as usable only once the enumeration completes without error.
/// </summary>
public sealed class ShardReader
{
    private readonly Stream _stream;
    private readonly string _name;
    private readonly Crc32 _crc;
    private bool _read;

    private ShardReader(Stream stream, string name, ShardHeader header, Crc32 crc)
    {
        _stream = stream;
        _name = name;
        Header = header;
        _crc = crc;
    }

    public ShardHeader Header { get; }

    /// <summary>Reads and checks the header (and, when given, that it matches what the job expects).</summary>
    public static async Task<ShardReader> OpenAsync(Stream stream, string shardName, ShardExpectation? expected = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var bytes = new byte[ShardFormat.HeaderBytes];
        var read = await stream.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read >= 4 && !bytes.AsSpan(0, 4).SequenceEqual(ShardFormat.Magic))
            throw new ShardFormatException(shardName, $"is not a SelfTrain shard: it starts with {Convert.ToHexString(bytes, 0, 4)}, not the magic 'STSH'.");
        if (read < bytes.Length)
            throw new ShardFormatException(shardName, $"is truncated: its header has {read} of {ShardFormat.HeaderBytes} bytes.");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4));
        if (version != ShardFormat.CurrentVersion)
            throw new ShardFormatException(shardName, $"has format version {version}; this reader supports version {ShardFormat.CurrentVersion}.");
        if (bytes[6] > (byte)ShardLabelKind.Hard)
            throw new ShardFormatException(shardName, $"is corrupted: unknown label kind {bytes[6]} in its header.");

        var header = new ShardHeader(
            SampleCount: BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)),
            Channels: BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(12)),
            Height: BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(14)),
            Width: BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(16)),
            ClassCount: BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(18)),
            LabelKind: (ShardLabelKind)bytes[6]);
        if (header.Problem() is { } problem) throw new ShardFormatException(shardName, $"is corrupted: its header says {problem}.");
        expected?.Check(header, shardName);

        var crc = new Crc32();
        crc.Append(bytes);
        return new ShardReader(stream, shardName, header, crc);
    }

    /// <summary>Every sample, then the checksum check; can be enumerated once.</summary>
    public async IAsyncEnumerable<ShardSample> ReadSamplesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (_read) throw new InvalidOperationException($"Shard '{_name}' has already been read.");
        _read = true;
        var record = new byte[Header.RecordBytes];
        for (var i = 0; i < Header.SampleCount; i++)
        {
            var read = await _stream.ReadAtLeastAsync(record, record.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read < record.Length)
                throw new ShardFormatException(_name, $"is truncated: it ends inside sample {i} of the {Header.SampleCount} its header declares.");
            _crc.Append(record);
            yield return Decode(record, i);
        }

        var checksum = new byte[ShardFormat.ChecksumBytes + 1];
        var tail = await _stream.ReadAtLeastAsync(checksum, checksum.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (tail < ShardFormat.ChecksumBytes)
            throw new ShardFormatException(_name, $"is truncated: its checksum is missing after {Header.SampleCount} samples.");
        if (tail > ShardFormat.ChecksumBytes)
            throw new ShardFormatException(_name, $"is corrupted: it has data after the {Header.SampleCount} samples its header declares.");
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(checksum);
        var actual = _crc.GetCurrentHashAsUInt32();
        if (stored != actual)
            throw new ShardFormatException(_name, $"is corrupted: checksum mismatch (stored CRC-32 {stored:x8}, computed {actual:x8}).");
    }

    /// <summary>Reads a whole shard into memory; throws on any problem, so a returned list is complete.</summary>
    public static async Task<(ShardHeader Header, List<ShardSample> Samples)> ReadAllAsync(Stream stream, string shardName,
        ShardExpectation? expected = null, CancellationToken cancellationToken = default)
    {
        var reader = await OpenAsync(stream, shardName, expected, cancellationToken).ConfigureAwait(false);
        // The header's count is a claim: reserve only what the stream can hold (a header claiming 2^31 samples must
        // not allocate before a byte is read), and let the list grow past a guess on streams of unknown length.
        var capacity = stream.CanSeek
            ? (int)Math.Min(reader.Header.SampleCount, Math.Max(0, stream.Length - stream.Position) / reader.Header.RecordBytes)
            : Math.Min(reader.Header.SampleCount, 4096);
        var samples = new List<ShardSample>(capacity);
        await foreach (var sample in reader.ReadSamplesAsync(cancellationToken).ConfigureAwait(false))
            samples.Add(sample);
        return (reader.Header, samples);
    }

    private ShardSample Decode(byte[] record, int index)
    {
        var span = record.AsSpan();
        var pixels = span[..Header.ImageBytes].ToArray();
        var offset = Header.ImageBytes;
        float[]? probabilities = null;
        var classIndex = -1;
        if (Header.LabelKind == ShardLabelKind.Soft)
        {
            probabilities = new float[Header.ClassCount];
            var sum = 0f;
            for (var c = 0; c < probabilities.Length; c++, offset += 4)
            {
                var p = BinaryPrimitives.ReadSingleLittleEndian(span[offset..]);
                if (!float.IsFinite(p) || p < 0)
                    throw new ShardFormatException(_name, $"is corrupted: sample {index} has probability {p} for class {c}.");
                probabilities[c] = p;
                sum += p;
            }
            if (Math.Abs(sum - 1f) > ShardFormat.ProbabilitySumTolerance)
                throw new ShardFormatException(_name, $"is corrupted: sample {index}'s probabilities sum to {sum}, not 1.");
        }
        else
        {
            classIndex = BinaryPrimitives.ReadInt32LittleEndian(span[offset..]);
            offset += 4;
            if (classIndex < 0 || classIndex >= Header.ClassCount)
                throw new ShardFormatException(_name, $"is corrupted: sample {index} has class index {classIndex} outside 0..{Header.ClassCount - 1}.");
        }
        var weight = BinaryPrimitives.ReadSingleLittleEndian(span[offset..]);
        if (!float.IsFinite(weight) || weight < 0)
            throw new ShardFormatException(_name, $"is corrupted: sample {index} has weight {weight}.");
        var source = span[offset + 4];
        if (source > (byte)SampleSource.Pseudo)
            throw new ShardFormatException(_name, $"is corrupted: sample {index} has unknown source {source}.");
        return new ShardSample(pixels, probabilities, classIndex, weight, (SampleSource)source);
    }
}
