using System.Text.Json;
using SelfTrain.Testing;

namespace SelfTrain.Functions.Tests;

public sealed class BuildOutputTests
{
    [Theory]
    [InlineData("functions.metadata")]
    [InlineData("extensions.json")]
    [InlineData("worker.config.json")]
    [InlineData("host.json")]
    public void Functions_host_files_are_produced(string file)
    {
        Assert.True(File.Exists(FunctionsAppOutput.PathOf(file)), $"{file} is missing from {FunctionsAppOutput.Directory}");
    }

    [Fact]
    public void Host_json_is_the_repository_one()
    {
        var repositoryHostJson = Path.GetFullPath(Path.Combine(FunctionsAppOutput.Directory, "../../../../../host.json"));
        Assert.Equal(File.ReadAllText(repositoryHostJson), File.ReadAllText(FunctionsAppOutput.PathOf("host.json")));
    }

    [Fact]
    public void Worker_config_starts_the_isolated_worker()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(FunctionsAppOutput.PathOf("worker.config.json")));
        var description = config.RootElement.GetProperty("description");
        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal("SelfTrain.Functions.dll", description.GetProperty("defaultWorkerPath").GetString());
    }

    [Theory]
    [InlineData("Health", "health", "get", "Anonymous")]
    [InlineData("Predict", "predict", "post", "Function")]
    [InlineData("Models", "models", "get", "Function")]
    [InlineData("RollbackModel", "models/rollback", "post", "Function")]
    [InlineData("PromoteModel", "models/{version}/promote", "post", "Function")]
    public void Http_functions_have_their_route_method_and_key_level(string function, string route, string method, string authLevel)
    {
        var trigger = FunctionsAppOutput.Trigger(function);
        Assert.Equal("httpTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal(authLevel, trigger.GetProperty("authLevel").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public void LabelImage_is_an_event_grid_blob_trigger_on_incoming()
    {
        var trigger = FunctionsAppOutput.Trigger("LabelImage");
        Assert.Equal("blobTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("incoming/{name}", trigger.GetProperty("path").GetString());
        Assert.Equal("EventGrid", trigger.GetProperty("source").GetString());
        Assert.Equal("AzureWebJobsStorage", trigger.GetProperty("connection").GetString());
    }
}
