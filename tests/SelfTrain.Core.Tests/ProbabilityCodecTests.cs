using SelfTrain.Core.Labels;

namespace SelfTrain.Core.Tests;

public sealed class ProbabilityCodecTests
{
    [Fact]
    public void Small_vectors_round_trip_whole_at_half_precision()
    {
        float[] p = [0.7f, 0.2f, 0.05f, 0.05f, 0f, 0f, 0f, 0f, 0f, 0f];
        var encoded = ProbabilityCodec.Encode(p);
        Assert.StartsWith("f:", encoded);
        Assert.True(encoded.Length <= 30, $"{encoded.Length} characters for 10 classes");
        var back = ProbabilityCodec.Decode(encoded);
        Assert.Equal(p.Length, back.Length);
        for (var i = 0; i < p.Length; i++) Assert.Equal(p[i], back[i], 1e-3f);
    }

    [Fact]
    public void Large_vectors_keep_the_top_k_and_zero_the_rest()
    {
        var p = new float[1000];
        for (var i = 0; i < ProbabilityCodec.TopK + 5; i++) p[i * 7] = 0.9f / (i + 1);
        var back = ProbabilityCodec.Decode(ProbabilityCodec.Encode(p));
        Assert.Equal(1000, back.Length);
        for (var i = 0; i < ProbabilityCodec.TopK; i++) Assert.Equal(p[i * 7], back[i * 7], 1e-3f);
        Assert.Equal(ProbabilityCodec.TopK, back.Count(v => v > 0));
    }

    [Theory]
    [InlineData("")]
    [InlineData("x:AAAA")]
    [InlineData("kz:AAAA")]
    public void Unknown_encodings_are_refused(string encoded)
    {
        Assert.Throws<FormatException>(() => ProbabilityCodec.Decode(encoded));
    }
}
