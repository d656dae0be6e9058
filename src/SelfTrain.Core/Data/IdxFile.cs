using System.Buffers.Binary;
using System.IO.Compression;

namespace SelfTrain.Core.Data;

/// <summary>
/// Reads the IDX files of the MNIST family (big-endian magic: two zero bytes, type 0x08 = unsigned byte, dimension
/// count; then one big-endian int32 per dimension; then the data), gzip-compressed or not.
/// </summary>
public static class IdxFile
{
    /// <summary>Images of an IDX3 file: <c>count × rows × columns</c> bytes, row-major.</summary>
    public static (byte[] Pixels, int Count, int Rows, int Columns) ReadImages(string path)
    {
        var (dims, data) = Read(path, expectedDimensions: 3);
        return (data, dims[0], dims[1], dims[2]);
    }

    /// <summary>Labels of an IDX1 file, one byte per item.</summary>
    public static byte[] ReadLabels(string path) => Read(path, expectedDimensions: 1).Data;

    /// <exception cref="InvalidDataException">Bad magic, unexpected dimension count or a truncated file; the message names the file.</exception>
    public static (int[] Dimensions, byte[] Data) Read(string path, int expectedDimensions)
    {
        using var file = File.OpenRead(path);
        using var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        return Read(stream, expectedDimensions, path);
    }

    public static (int[] Dimensions, byte[] Data) Read(Stream stream, int expectedDimensions, string source)
    {
        Span<byte> magic = stackalloc byte[4];
        ReadExactly(stream, magic, source, "the magic number");
        if (magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08)
            throw new InvalidDataException($"{source} is not an unsigned-byte IDX file (magic {Convert.ToHexString(magic)}, expected 000008{expectedDimensions:X2}).");
        if (magic[3] != expectedDimensions)
            throw new InvalidDataException($"{source} has {magic[3]} dimensions, expected {expectedDimensions}.");

        var dimensions = new int[expectedDimensions];
        Span<byte> word = stackalloc byte[4];
        long total = 1;
        for (var i = 0; i < dimensions.Length; i++)
        {
            ReadExactly(stream, word, source, $"dimension {i}");
            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(word);
            if (dimensions[i] < 0) throw new InvalidDataException($"{source} declares a negative size for dimension {i}.");
            total *= dimensions[i];
        }
        if (total > Array.MaxLength) throw new InvalidDataException($"{source} declares {total} bytes of data, more than fits in memory.");

        var data = new byte[total];
        ReadExactly(stream, data, source, $"the {total} data bytes");
        return (dimensions, data);
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string source, string what)
    {
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read < buffer.Length)
            throw new InvalidDataException($"{source} is truncated: it ends after {read} of {buffer.Length} bytes of {what}.");
    }
}
