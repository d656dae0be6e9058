using System.Buffers.Binary;
using SelfTrain.Core.Embeddings;

namespace SelfTrain.Core.Tests.Embeddings;

public sealed class EmbeddingSetFormatTests
{
    private static EmbeddingSet Sample(int rows = 3, int dimensions = 4, int seed = 1)
    {
        var random = new Random(seed);
        return new EmbeddingSet("student-7", dimensions, [.. Enumerable.Range(0, rows).Select(i => $"key-{i}-é")],
            [.. Enumerable.Range(0, rows * dimensions).Select(_ => random.NextSingle() * 2 - 1)]);
    }

    private static byte[] Bytes(EmbeddingSet set)
    {
        using var stream = new MemoryStream();
        EmbeddingSetFormat.Write(set, stream);
        return stream.ToArray();
    }

    private static string Reject(byte[] bytes) =>
        Assert.Throws<InvalidDataException>(() => EmbeddingSetFormat.Read(new MemoryStream(bytes), "embeddings/m/pool-0001.emb")).Message;

    [Fact]
    public void A_set_round_trips_model_keys_and_every_float()
    {
        var set = Sample();
        var read = EmbeddingSetFormat.Read(new MemoryStream(Bytes(set)), "s");
        Assert.Equal(set.Model, read.Model);
        Assert.Equal(set.Dimensions, read.Dimensions);
        Assert.Equal(set.Keys, read.Keys);
        Assert.Equal(set.Vectors, read.Vectors);
    }

    [Fact]
    public void An_empty_set_round_trips()
    {
        var read = EmbeddingSetFormat.Read(new MemoryStream(Bytes(EmbeddingSet.Empty("m", 8))), "s");
        Assert.Equal(0, read.Count);
        Assert.Equal(8, read.Dimensions);
    }

    [Fact]
    public void A_truncated_set_is_named_and_refused()
    {
        var bytes = Bytes(Sample());
        Assert.Contains("truncated", Reject(bytes[..^5]));
        Assert.Contains("embeddings/m/pool-0001.emb", Reject(bytes[..^5]));
    }

    [Fact]
    public void Bytes_after_the_rows_are_refused()
    {
        Assert.Contains("bytes after", Reject([.. Bytes(Sample()), 0]));
    }

    [Fact]
    public void Another_format_is_refused()
    {
        Assert.Contains("not a version 1 embedding set", Reject("STSHD\u0001rest"u8.ToArray()));
    }

    [Fact]
    public void A_header_claiming_more_rows_than_the_blob_holds_is_refused_before_allocating_them()
    {
        // A valid header for one row of 4 dimensions, its count rewritten to the largest allowed: 40 GB if believed.
        var bytes = Bytes(Sample(rows: 1));
        var countOffset = 5 + 1 + 1 + "student-7".Length + 4;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(countOffset), EmbeddingSetFormat.MaxRows);
        Assert.Contains("truncated", Reject(bytes));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(countOffset), -1);
        Assert.Contains("claims -1 rows", Reject(bytes));
    }

    [Fact]
    public void A_key_longer_than_allowed_is_refused()
    {
        var set = new EmbeddingSet("m", 1, [new string('k', EmbeddingSetFormat.MaxKeyBytes + 1)], [1f]);
        Assert.Contains($"at most {EmbeddingSetFormat.MaxKeyBytes}", Reject(Bytes(set)));
    }

    [Fact]
    public void Sets_of_different_models_do_not_join()
    {
        var ex = Assert.Throws<ArgumentException>(() => EmbeddingSet.Concat("student-7", 4, [Sample(), new EmbeddingSet("other", 4, ["k"], new float[4])]));
        Assert.Contains("other", ex.Message);
        var joined = EmbeddingSet.Concat("student-7", 4, [Sample(rows: 2), Sample(rows: 1, seed: 2)]);
        Assert.Equal(3, joined.Count);
        Assert.Equal(Sample(rows: 1, seed: 2).Vectors, joined[2].ToArray());
    }
}
