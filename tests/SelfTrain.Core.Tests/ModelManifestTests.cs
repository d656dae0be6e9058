using SelfTrain.Core.Models;

namespace SelfTrain.Core.Tests;

public sealed class ModelManifestTests
{
    private static ModelManifest Valid => new()
    {
        Version = "a-2026.1",
        Classes = ["shirt", "shoe"],
        Input = new ModelInput { TensorName = "x", Width = 28, Height = 28, ColorOrder = ColorOrder.Gray, Mean = [0.5f], Std = [0.25f] },
        Output = new ModelOutput { TensorName = "p", Kind = OutputKind.Probabilities },
        Lineage = new ModelLineage { Recipe = "supervised", Hyperparameters = new Dictionary<string, string> { ["epochs"] = "3" } },
    };

    [Fact]
    public void Json_round_trip_keeps_everything()
    {
        var json = ModelManifestJson.Serialize(Valid);
        Assert.Contains("\"colorOrder\": \"Gray\"", json);
        var back = ModelManifestJson.Deserialize(json, "manifest.json");
        Assert.Equal(Valid.Version, back.Version);
        Assert.Equal(Valid.Classes, back.Classes);
        Assert.Equal(Valid.Input.Mean, back.Input.Mean);
        Assert.Equal("3", back.Lineage!.Hyperparameters["epochs"]);
    }

    [Theory]
    [InlineData("{ not json", "not a valid model manifest")]
    [InlineData("{\"version\":\"v\"}", "not a valid model manifest")]
    public void Unreadable_json_names_its_source(string json, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => ModelManifestJson.Deserialize(json, "models/v/manifest.json"));
        Assert.Contains("models/v/manifest.json", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Every_problem_is_listed()
    {
        var broken = Valid with
        {
            Version = "a/b",
            Classes = ["x", "x"],
            Input = Valid.Input with { ColorOrder = ColorOrder.Rgb, Mean = [0f, 0f], Std = [0f] },
        };
        var error = Assert.Throws<InvalidDataException>(() => broken.EnsureValid());
        Assert.Contains("version 'a/b'", error.Message);
        Assert.Contains("classes must be distinct", error.Message);
        Assert.Contains("input.mean must have 1 or 3 values", error.Message);
        Assert.Contains("input.std values must be positive", error.Message);
    }

    [Fact]
    public void An_embedding_output_round_trips_and_a_bad_one_is_named()
    {
        var withEmbedding = Valid with { Embedding = new ModelEmbedding { TensorName = "features", Dimensions = 128 } };
        var back = ModelManifestJson.Deserialize(ModelManifestJson.Serialize(withEmbedding), "manifest.json");
        Assert.Equal(withEmbedding.Embedding, back.Embedding);

        var broken = Valid with { Embedding = new ModelEmbedding { TensorName = "p", Dimensions = 0 } };
        var problems = broken.Problems();
        Assert.Contains("embedding.tensorName must differ from output.tensorName", problems);
        Assert.Contains($"embedding.dimensions 0 must be between 1 and {ModelEmbedding.MaxDimensions}", problems);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData(".hidden")]
    [InlineData("a..b")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("-a")]
    [InlineData("")]
    [InlineData("a b")]
    public void Attack_traversal_and_odd_version_names_are_refused(string version)
    {
        Assert.False(ModelManifest.IsValidVersion(version));
        Assert.Contains($"version '{version}'", Assert.Throws<InvalidDataException>(() => (Valid with { Version = version }).EnsureValid()).Message);
    }

    [Fact]
    public void Version_names_are_bounded_and_ordinary_ones_pass()
    {
        Assert.True(ModelManifest.IsValidVersion("student-3f2a9c_r1a2.v1"));
        Assert.True(ModelManifest.IsValidVersion(new string('a', ModelManifest.MaxVersionLength)));
        Assert.False(ModelManifest.IsValidVersion(new string('a', ModelManifest.MaxVersionLength + 1)));
    }

    [Fact]
    public void A_recorded_hash_must_be_a_sha256()
    {
        Assert.Empty((Valid with { Sha256 = new string('0', 64) }).Problems());
        Assert.Contains("sha256", Assert.Single((Valid with { Sha256 = "ABC" }).Problems()));
    }
}
