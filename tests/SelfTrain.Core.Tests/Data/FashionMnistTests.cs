using System.IO.Compression;
using SelfTrain.Core.Data;

namespace SelfTrain.Core.Tests.Data;

public sealed class FashionMnistTests
{
    [Fact]
    public void Reads_the_installed_test_set_with_known_first_labels()
    {
        var test = FashionMnist.LoadTest();
        Assert.Equal(10_000, test.Count);
        Assert.Equal((1, 28, 28), (test.Channels, test.Height, test.Width));
        // The first test images are an ankle boot, a pullover and a trouser.
        Assert.Equal(new byte[] { 9, 2, 1, 1 }, test.Labels[..4]);
        Assert.Equal(10, test.Labels.Distinct().Count());
    }

    [Fact]
    public void First_training_image_is_an_ankle_boot_with_a_blank_border()
    {
        var train = FashionMnist.LoadTrain();
        Assert.Equal(60_000, train.Count);
        Assert.Equal("Ankle boot", FashionMnist.ClassNames[train.Labels[0]]);
        var image = train.Image(0);
        Assert.Equal(0, image[0]); // top-left corner
        Assert.True(image.ToArray().Max() > 200, "an ankle boot has bright pixels");
    }

    [Fact]
    public void Bad_magic_is_rejected_naming_the_file()
    {
        var bytes = new byte[] { 0, 0, 0x0D, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 7 };
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(new MemoryStream(bytes), 3, "images.idx"));
        Assert.Contains("images.idx is not an unsigned-byte IDX file", error.Message);
    }

    [Fact]
    public void Wrong_dimension_count_is_rejected()
    {
        var bytes = new byte[] { 0, 0, 8, 1, 0, 0, 0, 1, 5 };
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(new MemoryStream(bytes), 3, "labels.idx"));
        Assert.Contains("has 1 dimensions, expected 3", error.Message);
    }

    [Fact]
    public void Truncated_gzip_file_is_rejected_naming_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"truncated-{Guid.NewGuid():N}-idx3-ubyte.gz");
        try
        {
            using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
                gzip.Write([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]);
            var error = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(path));
            Assert.Contains($"{path} is truncated", error.Message);
            Assert.Contains("3 of 1568 bytes", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
