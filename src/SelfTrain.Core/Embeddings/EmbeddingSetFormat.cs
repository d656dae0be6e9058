using System.Text;

namespace SelfTrain.Core.Embeddings;

/// <summary>
/// The blob form of an <see cref="EmbeddingSet"/>: "STEMB" + format version 1, the model name, dimensions and row count,
/// then each row's key (length-prefixed UTF-8) and its floats, little-endian. Every length is bounded on read, so a
/// damaged or hostile blob is an error naming what is wrong, never a huge allocation.
/// </summary>
public static class EmbeddingSetFormat
{
    private static readonly byte[] Magic = "STEMB"u8.ToArray();
    private const byte FormatVersion = 1;
    public const int MaxRows = 10_000_000;
    public const int MaxKeyBytes = 1024;
    public const int MaxModelBytes = 1024;

    public static void Write(EmbeddingSet set, Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(set.Model);
        writer.Write(set.Dimensions);
        writer.Write(set.Count);
        for (var row = 0; row < set.Count; row++)
        {
            writer.Write(set.Keys[row]);
            foreach (var value in set[row]) writer.Write(value);
        }
    }

    /// <param name="stream">Seekable, so the rows a header claims are checked against the bytes there before any allocation.</param>
    /// <exception cref="InvalidDataException">Not an embedding set, or damaged; the message says how.</exception>
    public static EmbeddingSet Read(Stream stream, string source)
    {
        if (!stream.CanSeek) throw new ArgumentException("An embedding set is read from a seekable stream.", nameof(stream));
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic) || reader.ReadByte() != FormatVersion)
                throw new InvalidDataException($"{source} is not a version {FormatVersion} embedding set.");
            var model = ReadString(reader, MaxModelBytes, source, "model name");
            var dimensions = reader.ReadInt32();
            var count = reader.ReadInt32();
            if (dimensions is < 1 or > Models.ModelEmbedding.MaxDimensions || count is < 0 or > MaxRows)
                throw new InvalidDataException($"{source} claims {count} rows of {dimensions} dimensions; at most {MaxRows} rows of {Models.ModelEmbedding.MaxDimensions} are read.");
            if (stream.Length - stream.Position < (long)count * dimensions * sizeof(float))
                throw new InvalidDataException($"{source} claims {count} rows of {dimensions} dimensions but is shorter: it is truncated.");
            var keys = new string[count];
            var vectors = new float[(long)count * dimensions];
            for (var row = 0; row < count; row++)
            {
                keys[row] = ReadString(reader, MaxKeyBytes, source, $"key of row {row}");
                for (var d = 0; d < dimensions; d++) vectors[(long)row * dimensions + d] = reader.ReadSingle();
            }
            if (stream.ReadByte() != -1) throw new InvalidDataException($"{source} has bytes after its {count} rows.");
            return new EmbeddingSet(model, dimensions, keys, vectors);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{source} ends inside its rows: it is truncated.");
        }
    }

    private static string ReadString(BinaryReader reader, int maxBytes, string source, string what)
    {
        // BinaryReader's own string prefix is a 7-bit varint; bound it before the string is read.
        var length = reader.Read7BitEncodedInt();
        if (length < 0 || length > maxBytes) throw new InvalidDataException($"{source}: the {what} claims {length} bytes; at most {maxBytes} are read.");
        var bytes = reader.ReadBytes(length);
        if (bytes.Length != length) throw new EndOfStreamException();
        return Encoding.UTF8.GetString(bytes);
    }
}
