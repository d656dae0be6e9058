using System.Buffers.Binary;
using SelfTrain.Core.Shards;

namespace SelfTrain.Core.Tests.Shards;

public sealed class ShardTests
{
    private static readonly ShardExpectation Expected = new(1, 4, 3, 3);

    private static async Task<byte[]> WriteAsync(ShardHeader header, IEnumerable<ShardSample> samples)
    {
        var stream = new MemoryStream();
        await ShardWriter.WriteAllAsync(stream, header, "test", samples);
        return stream.ToArray();
    }

    private static List<ShardSample> SoftSamples(int count, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var pixels = new byte[12];
            random.NextBytes(pixels);
            var raw = new[] { random.NextSingle(), random.NextSingle(), random.NextSingle() };
            var probabilities = raw.Select(r => r / raw.Sum()).ToArray();
            return ShardSample.Soft(pixels, probabilities, weight: 0.5f + i, source: i % 2 == 0 ? SampleSource.Pseudo : SampleSource.Gold);
        }).ToList();
    }

    private static async Task<ShardFormatException> RejectAsync(byte[] bytes, ShardExpectation? expected = null) =>
        await Assert.ThrowsAsync<ShardFormatException>(() => ShardReader.ReadAllAsync(new MemoryStream(bytes), "shards/round-7/part-3.shard", expected ?? Expected));

    [Fact]
    public async Task Soft_shard_round_trips_every_field()
    {
        var samples = SoftSamples(5);
        var bytes = await WriteAsync(new ShardHeader(5, 1, 4, 3, 3, ShardLabelKind.Soft), samples);
        Assert.Equal(ShardFormat.HeaderBytes + 5 * (12 + 12 + 4 + 1) + ShardFormat.ChecksumBytes, bytes.Length);

        var (header, read) = await ShardReader.ReadAllAsync(new MemoryStream(bytes), "s", Expected);
        Assert.Equal(new ShardHeader(5, 1, 4, 3, 3, ShardLabelKind.Soft), header);
        Assert.Equal(samples.Count, read.Count);
        for (var i = 0; i < samples.Count; i++)
        {
            Assert.Equal(samples[i].Pixels, read[i].Pixels);
            Assert.Equal(samples[i].Probabilities, read[i].Probabilities);
            Assert.Equal(samples[i].Weight, read[i].Weight);
            Assert.Equal(samples[i].Source, read[i].Source);
            Assert.Equal(samples[i].TopClass, read[i].TopClass);
        }
    }

    [Fact]
    public async Task Hard_shard_round_trips_class_indices()
    {
        var samples = Enumerable.Range(0, 4).Select(i => ShardSample.Hard(Enumerable.Repeat((byte)i, 12).ToArray(), i % 3)).ToList();
        var bytes = await WriteAsync(new ShardHeader(4, 1, 4, 3, 3, ShardLabelKind.Hard), samples);
        var (_, read) = await ShardReader.ReadAllAsync(new MemoryStream(bytes), "s", Expected);
        Assert.Equal(new[] { 0, 1, 2, 0 }, read.Select(s => s.ClassIndex));
        Assert.All(read, s => Assert.Null(s.Probabilities));
        Assert.All(read, s => Assert.Equal(SampleSource.Gold, s.Source));
        Assert.Equal(new byte[] { 3, 3 }, read[3].Pixels[..2]);
    }

    [Fact]
    public async Task Empty_shard_is_valid()
    {
        var bytes = await WriteAsync(new ShardHeader(0, 1, 4, 3, 3, ShardLabelKind.Hard), []);
        var (header, read) = await ShardReader.ReadAllAsync(new MemoryStream(bytes), "s", Expected);
        Assert.Equal(0, header.SampleCount);
        Assert.Empty(read);
    }

    [Fact]
    public async Task Truncated_shard_is_rejected_at_any_cut()
    {
        var bytes = await WriteAsync(new ShardHeader(3, 1, 4, 3, 3, ShardLabelKind.Soft), SoftSamples(3));
        foreach (var (cut, text) in new[] { (10, "its header has 10 of 24 bytes"), (40, "ends inside sample 0 of the 3"),
                                             (bytes.Length - 30, "ends inside sample 2"), (bytes.Length - 2, "its checksum is missing") })
        {
            var error = await RejectAsync(bytes[..cut]);
            Assert.StartsWith("Shard 'shards/round-7/part-3.shard' is truncated", error.Message);
            Assert.Contains(text, error.Message);
            Assert.Equal("shards/round-7/part-3.shard", error.ShardName);
        }
    }

    [Fact]
    public async Task Flipped_pixel_bit_fails_the_checksum()
    {
        var bytes = await WriteAsync(new ShardHeader(3, 1, 4, 3, 3, ShardLabelKind.Soft), SoftSamples(3));
        bytes[ShardFormat.HeaderBytes + 2] ^= 0x10;
        var error = await RejectAsync(bytes);
        Assert.Contains("is corrupted: checksum mismatch", error.Message);
    }

    [Fact]
    public async Task Corrupt_label_is_rejected_before_the_checksum()
    {
        var bytes = await WriteAsync(new ShardHeader(1, 1, 4, 3, 3, ShardLabelKind.Hard), [ShardSample.Hard(new byte[12], 1)]);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(ShardFormat.HeaderBytes + 12), 42);
        var error = await RejectAsync(bytes);
        Assert.Contains("is corrupted: sample 0 has class index 42 outside 0..2", error.Message);
    }

    [Fact]
    public async Task Data_after_the_declared_samples_is_rejected()
    {
        var bytes = await WriteAsync(new ShardHeader(1, 1, 4, 3, 3, ShardLabelKind.Hard), [ShardSample.Hard(new byte[12], 1)]);
        var error = await RejectAsync([.. bytes, 0]);
        Assert.Contains("has data after the 1 samples", error.Message);
    }

    [Fact]
    public async Task Bad_magic_and_unknown_version_are_rejected()
    {
        var bytes = await WriteAsync(new ShardHeader(0, 1, 4, 3, 3, ShardLabelKind.Hard), []);
        var notAShard = (byte[])bytes.Clone();
        "PK\u0003\u0004"u8.CopyTo(notAShard);
        Assert.Contains("is not a SelfTrain shard: it starts with 504B0304", (await RejectAsync(notAShard)).Message);

        var future = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(future.AsSpan(4), 9);
        Assert.Contains("has format version 9; this reader supports version 1", (await RejectAsync(future)).Message);
    }

    [Fact]
    public async Task Header_disagreeing_with_the_job_is_rejected()
    {
        var bytes = await WriteAsync(new ShardHeader(0, 1, 4, 3, 3, ShardLabelKind.Hard), []);
        var error = await RejectAsync(bytes, new ShardExpectation(1, 4, 3, 10));
        Assert.Contains("holds 1×4×3 images of 3 classes; the job expects 1×4×3 images of 10 classes", error.Message);
    }

    [Fact]
    public async Task Writer_refuses_samples_that_do_not_fit_the_header()
    {
        var writer = await ShardWriter.CreateAsync(new MemoryStream(), new ShardHeader(1, 1, 4, 3, 3, ShardLabelKind.Soft), "w");
        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteAsync(ShardSample.Soft(new byte[11], [1f, 0, 0])));
        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteAsync(ShardSample.Soft(new byte[12], [1f, 0])));
        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteAsync(ShardSample.Hard(new byte[12], 1)));
        var incomplete = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CompleteAsync());
        Assert.Contains("declared 1 samples but 0 were written", incomplete.Message);
    }

    [Fact]
    public async Task A_spool_writes_a_shard_whose_count_is_known_only_at_the_end()
    {
        var samples = SoftSamples(7, seed: 3);
        await using var spool = new ShardSpool(new ShardHeader(0, 1, 4, 3, 3, ShardLabelKind.Soft), "spooled");
        foreach (var sample in samples) await spool.AddAsync(sample);
        var stream = new MemoryStream();

        await spool.WriteShardAsync(stream);

        var direct = await WriteAsync(new ShardHeader(7, 1, 4, 3, 3, ShardLabelKind.Soft), samples);
        Assert.Equal(direct, stream.ToArray()); // byte for byte what a writer that knew the count writes
        var (header, read) = await ShardReader.ReadAllAsync(new MemoryStream(stream.ToArray()), "spooled", Expected);
        Assert.Equal(7, header.SampleCount);
        Assert.Equal(samples.Select(s => s.Pixels), read.Select(s => s.Pixels));
    }

    [Fact]
    public async Task Attack_a_header_claiming_two_billion_samples_reserves_nothing_before_it_fails()
    {
        var bytes = await WriteAsync(new ShardHeader(2, 1, 4, 3, 3, ShardLabelKind.Soft), SoftSamples(2));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), int.MaxValue);

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var error = await RejectAsync(bytes);

        Assert.Contains("truncated", error.Message);
        // The list was sized by what the stream holds (2 samples), not the 2^31 the header claims (16 GB of references).
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 1_000_000, "the reader reserved room for the claimed samples");
    }
}
