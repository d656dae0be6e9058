using SelfTrain.Client;
using SelfTrain.Core.Models;
using SelfTrain.Testing;

namespace SelfTrain.Cli.Tests;

/// <summary>The shipped JSON Schemas agree with the system's own reader and writer, and name what is wrong.</summary>
public sealed class DocumentSchemasTests
{
    private static string Example(string name) => File.ReadAllText(Path.Combine(ServeProcess.RepositoryRoot, "docs", "schemas", "examples", name));

    [Fact]
    public void The_documented_examples_conform_and_the_reader_accepts_them()
    {
        Assert.Empty(DocumentSchemas.Manifest.Problems(Example("manifest.json")));
        Assert.Empty(ModelManifestJson.Deserialize(Example("manifest.json"), "example").Problems());
        Assert.Empty(DocumentSchemas.Classes.Problems(Example("classes.json")));
    }

    [Fact]
    public void Every_manifest_the_system_writes_conforms()
    {
        var manifest = new LinearTestModel("written", channels: 3).Manifest with
        {
            Sha256 = new string('a', 64),
            Lineage = new ModelLineage
            {
                Teacher = "a", DataSnapshot = "round-1", Recipe = "noisy-student", Architecture = "resnet8",
                Hyperparameters = new Dictionary<string, string> { ["epochs"] = "10" },
                TrainingCurve = [new EpochRecord(1, 0.5, 0.9, 1000)],
            },
            Metrics = new Dictionary<string, double> { ["heldBackAccuracy"] = 0.9 },
        };
        Assert.Empty(DocumentSchemas.Manifest.Problems(ModelManifestJson.Serialize(manifest)));
    }

    [Theory]
    [InlineData("\"colorOrder\": \"Rgb\"", "\"colourOrder\": \"Rgb\"", "/input")]   // a misspelt key the reader would ignore
    [InlineData("\"width\": 32", "\"width\": 0", "/input/width")]
    [InlineData("\"kind\": \"Logits\"", "\"kind\": \"Scores\"", "/output/kind")]
    [InlineData("\"version\": \"cifar10-resnet20-2026.03.1\"", "\"version\": \"../x\"", "/version")]
    public void A_broken_manifest_is_refused_at_the_place_it_breaks(string from, string to, string location)
    {
        var problems = DocumentSchemas.Manifest.Problems(Example("manifest.json").Replace(from, to, StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith(location + ":", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""["only-one"]""")]
    [InlineData("""["cat", "cat"]""")]
    [InlineData("""["cat", ""]""")]
    [InlineData("""{"classes": ["cat", "dog"]}""")]
    public void A_class_list_must_be_two_or_more_distinct_names(string json) => Assert.NotEmpty(DocumentSchemas.Classes.Problems(json));
}
