using System.Text;
using SelfTrain.Core;

namespace SelfTrain.Core.Tests;

public sealed class ContentAddressTests
{
    // FIPS 180-2, appendix B.1: SHA-256("abc").
    private const string AbcSha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    [Fact]
    public void Address_is_the_sha256_of_the_bytes()
    {
        Assert.Equal(AbcSha256, ContentAddress.Of("abc"u8).Hex);
    }

    [Fact]
    public async Task Stream_and_span_give_the_same_address()
    {
        var bytes = Encoding.UTF8.GetBytes(new string('x', 100_000));
        Assert.Equal(ContentAddress.Of(bytes), await ContentAddress.OfAsync(new MemoryStream(bytes)));
    }

    [Theory]
    // 0xba7816bf8f01cfea = 13436885868641488874; mod 64 = 42, mod 7 = 2 (computed with Python's int()).
    [InlineData(64, 42)]
    [InlineData(7, 2)]
    [InlineData(1, 0)]
    public void Bucket_is_the_hash_prefix_modulo_the_count(int buckets, int expected)
    {
        Assert.Equal(expected, ContentAddress.Of("abc"u8).Bucket(buckets));
    }

    [Fact]
    public void Buckets_fill_evenly()
    {
        var counts = new int[16];
        for (var i = 0; i < 16_000; i++)
            counts[ContentAddress.Of(BitConverter.GetBytes(i)).Bucket(16)]++;
        // 1,000 expected per bucket; a binomial's standard deviation here is ~31, so ±200 is over 6 sigma.
        Assert.All(counts, c => Assert.InRange(c, 800, 1200));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")]
    [InlineData("za7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    public void Parse_rejects_anything_but_lower_case_hex_sha256(string text)
    {
        Assert.Throws<FormatException>(() => ContentAddress.Parse(text));
    }

    [Fact]
    public void Parse_round_trips()
    {
        Assert.Equal(ContentAddress.Of("abc"u8), ContentAddress.Parse(AbcSha256));
    }

    [Fact]
    public void Bucket_count_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ContentAddress.Of("abc"u8).Bucket(0));
    }
}
