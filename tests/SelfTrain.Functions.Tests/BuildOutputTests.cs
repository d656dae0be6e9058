using System.Text.Json;

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

    [Fact]
    public void Health_is_an_anonymous_get_on_api_health()
    {
        var health = FunctionsAppOutput.Function("Health");
        var trigger = health.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("direction").GetString() == "In");
        Assert.Equal("httpTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("health", trigger.GetProperty("route").GetString());
        Assert.Equal("Anonymous", trigger.GetProperty("authLevel").GetString());
        Assert.Equal(["get"], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
    }
}
