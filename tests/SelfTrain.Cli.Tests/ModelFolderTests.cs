using SelfTrain.Client;
using SelfTrain.Core.Models;
using SelfTrain.Inference;
using SelfTrain.Storage;
using SelfTrain.Testing;

namespace SelfTrain.Cli.Tests;

/// <summary>A model folder is checked as the hosts load it, every problem listed before anything is uploaded.</summary>
public sealed class ModelFolderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("selftrain-model-").FullName;
    private readonly LinearTestModel _model = new("user-model-1", channels: 3);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private void Write(ModelManifest manifest, byte[]? onnx = null)
    {
        File.WriteAllBytes(Path.Combine(_folder, ModelFolder.OnnxFile), onnx ?? _model.Onnx);
        File.WriteAllText(Path.Combine(_folder, ModelFolder.ManifestFile), ModelManifestJson.Serialize(manifest));
    }

    [Fact]
    public async Task A_good_folder_passes_and_gets_its_sha256()
    {
        Write(_model.Manifest);

        var (folder, problems) = await ModelFolder.CheckAsync(_folder, new InferenceOptions());

        Assert.Empty(problems);
        Assert.Equal(ModelStore.Sha256Of(_model.Onnx), folder!.Manifest.Sha256);
    }

    [Fact]
    public async Task Missing_files_are_both_named()
    {
        var (folder, problems) = await ModelFolder.CheckAsync(_folder, new InferenceOptions());

        Assert.Null(folder);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("model.onnx is missing", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("manifest.json is missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_manifest_of_other_weights_is_refused()
    {
        Write(_model.Manifest with { Sha256 = new string('0', 64) });

        var (_, problems) = await ModelFolder.CheckAsync(_folder, new InferenceOptions());

        Assert.Contains("the manifest belongs to other weights", Assert.Single(problems));
    }

    [Fact]
    public async Task A_manifest_that_disagrees_with_the_graph_names_both_sides()
    {
        Write(_model.Manifest with { Input = _model.Manifest.Input with { TensorName = "image" } });

        var (_, problems) = await ModelFolder.CheckAsync(_folder, new InferenceOptions());

        var problem = Assert.Single(problems);
        Assert.Contains("image", problem);
        Assert.Contains("pixels", problem);
    }

    [Fact]
    public async Task The_client_lists_the_problems_and_exits_1()
    {
        Write(_model.Manifest with { Output = _model.Manifest.Output with { TensorName = "scores" } });

        var run = await CliRun.RunAsync("model", "check", _folder);

        Assert.Equal(SelfTrainCli.Failed, run.ExitCode);
        Assert.Contains("is not a model SelfTrain can serve", run.Output);
        Assert.Contains("scores", run.Output);
    }
}
