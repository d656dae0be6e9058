using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SelfTrain.Core;

/// <summary>
/// The identity of an image: the SHA-256 of its bytes. The same picture uploaded twice has one address, and the
/// address picks a stable partition bucket so work over the label store can fan out per bucket.
/// </summary>
public readonly record struct ContentAddress
{
    private ContentAddress(string hex) => Hex = hex;

    /// <summary>Lower-case hex SHA-256, 64 characters.</summary>
    public string Hex { get; }

    public static ContentAddress Of(ReadOnlySpan<byte> content) => new(Convert.ToHexStringLower(SHA256.HashData(content)));

    public static async Task<ContentAddress> OfAsync(Stream content, CancellationToken cancellationToken = default) =>
        new(Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken)));

    public static ContentAddress Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigitLower))
            throw new FormatException($"'{hex}' is not a lower-case hex SHA-256 (64 characters).");
        return new ContentAddress(hex);
    }

    /// <summary>
    /// The bucket in [0, bucketCount) this address falls in: the first 8 bytes of the hash, big-endian, modulo the
    /// count. SHA-256 is uniform, so buckets fill evenly.
    /// </summary>
    public int Bucket(int bucketCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketCount, 1);
        Span<byte> prefix = stackalloc byte[8];
        Convert.FromHexString(Hex.AsSpan(0, 16), prefix, out _, out _);
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(prefix) % (ulong)bucketCount);
    }

    public override string ToString() => Hex;
}
