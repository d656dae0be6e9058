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

    [Theory]
    [InlineData(100)]
    [InlineData(1000)]
    [InlineData(ProbabilityCodec.MaxClasses)]
    public void Any_realistic_class_count_keeps_the_whole_vector_summing_to_one(int classes)
    {
        var random = new Random(classes);
        var logits = Enumerable.Range(0, classes).Select(_ => (float)random.NextDouble() * 8).ToArray();
        Softmax.Apply(logits);
        var p = logits;

        var encoded = ProbabilityCodec.Encode(p);
        var back = ProbabilityCodec.Decode(encoded);

        Assert.True(encoded.Length < 32_768, $"{encoded.Length} characters do not fit a table property");
        Assert.Equal(classes, back.Length);
        Assert.Equal(1f, back.Sum(), 1e-4f);
        var top = Array.IndexOf(p, p.Max());
        Assert.Equal(p[top], back[top], 1e-3f);
        Assert.Equal(top, Array.IndexOf(back, back.Max()));
    }

    [Fact]
    public void Rows_stored_as_the_top_ten_read_back_renormalised()
    {
        // The earlier sparse form: "k{classes}:" then (int32 index, half probability) pairs.
        var pairs = new byte[12];
        BitConverter.TryWriteBytes(pairs.AsSpan(0), 3);
        BitConverter.TryWriteBytes(pairs.AsSpan(4), (Half)0.6f);
        BitConverter.TryWriteBytes(pairs.AsSpan(6), 70);
        BitConverter.TryWriteBytes(pairs.AsSpan(10), (Half)0.2f);

        var back = ProbabilityCodec.Decode("k100:" + Convert.ToBase64String(pairs));

        Assert.Equal(100, back.Length);
        Assert.Equal(0.75f, back[3], 1e-3f);
        Assert.Equal(0.25f, back[70], 1e-3f);
        Assert.Throws<ArgumentException>(() => ProbabilityCodec.Encode(new float[ProbabilityCodec.MaxClasses + 1]));
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
