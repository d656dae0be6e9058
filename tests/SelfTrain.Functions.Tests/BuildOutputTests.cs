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

    /// <summary>The local host's engine and what only it needs; Durable Functions brings its own engine in Azure.</summary>
    [Theory]
    [InlineData("SelfTrain.Host.Durable")]
    [InlineData("DurableTask.AzureStorage")]
    [InlineData("Microsoft.DurableTask.InProcessTestHost")]
    [InlineData("Grpc.AspNetCore.Server")]
    public void The_local_engine_is_not_shipped_in_the_Functions_app(string assembly)
    {
        using var deps = JsonDocument.Parse(File.ReadAllText(FunctionsAppOutput.PathOf("SelfTrain.Functions.deps.json")));
        var libraries = deps.RootElement.GetProperty("libraries").EnumerateObject().Select(library => library.Name.Split('/')[0]).ToList();
        Assert.Contains("Microsoft.Azure.Functions.Worker.Extensions.DurableTask", libraries); // the list is the real one
        Assert.DoesNotContain(assembly, libraries);
        Assert.False(File.Exists(FunctionsAppOutput.PathOf(assembly + ".dll")), $"{assembly}.dll is in {FunctionsAppOutput.Directory}");
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
    [InlineData("Health", "api/health", "get", "Anonymous")]
    [InlineData("Predict", "api/predict", "post", "Function")]
    [InlineData("EmbeddingsInfo", "api/inference/info", "get", "Function")]
    [InlineData("ImageEmbeddings", "api/inference/images/embeddings", "post", "Function")]
    [InlineData("Models", "api/models", "get", "Admin")]
    [InlineData("RollbackModel", "api/models/rollback", "post", "Admin")]
    [InlineData("PromoteModel", "api/models/{version}/promote", "post", "Admin")]
    [InlineData("StartRound", "api/rounds", "post", "Admin")]
    [InlineData("GetRound", "api/rounds/{id}", "get", "Admin")]
    [InlineData("TerminateRound", "api/rounds/{id}/terminate", "post", "Admin")]
    [InlineData("Dashboard", "/", "get", "Function")]
    public void Http_functions_have_their_route_method_and_key_level(string function, string route, string method, string authLevel)
    {
        var trigger = FunctionsAppOutput.Trigger(function);
        Assert.Equal("httpTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal(authLevel, trigger.GetProperty("authLevel").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public void Attack_a_key_given_out_for_predict_opens_no_operator_route()
    {
        // A host-level function key opens every function-level function, so no one is given one: clients get a key of
        // Predict, operators a key of the read-only Dashboard, and everything that changes what is served is
        // admin-level (health is the anonymous probe). A new HTTP function must be added here to pass.
        var levels = FunctionsAppOutput.FunctionNames()
            .Select(name => (Name: name, Trigger: FunctionsAppOutput.Trigger(name)))
            .Where(f => f.Trigger.GetProperty("type").GetString() == "httpTrigger")
            .ToDictionary(f => f.Name, f => f.Trigger.GetProperty("authLevel").GetString());

        Assert.Equal(new Dictionary<string, string?>
        {
            ["Health"] = "Anonymous",
            ["Predict"] = "Function",
            ["EmbeddingsInfo"] = "Function",
            ["ImageEmbeddings"] = "Function",
            ["StartRound"] = "Admin",
            ["GetRound"] = "Admin",
            ["TerminateRound"] = "Admin",
            ["Models"] = "Admin",
            ["PromoteModel"] = "Admin",
            ["RollbackModel"] = "Admin",
            ["Dashboard"] = "Function",
        }.OrderBy(p => p.Key), levels.OrderBy(p => p.Key));
    }

    [Fact]
    public void Attack_no_source_file_hands_out_a_URL_with_the_Durable_system_key()
    {
        // The Durable extension's management URLs carry its system key, which lets the holder raise events into,
        // terminate or purge any instance; the app answers with its own operator routes instead.
        var source = Path.GetFullPath(Path.Combine(FunctionsAppOutput.Directory, "../../../../../src"));
        string[] keyedApis = ["CreateHttpManagementPayload", "CreateCheckStatusResponse", "HttpManagementPayload", "systemKey", "durabletask_extension"];
        var offenders = System.IO.Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => keyedApis.Where(api => File.ReadAllText(f).Contains(api, StringComparison.OrdinalIgnoreCase)).Select(api => $"{f}: {api}"))
            .ToList();

        Assert.True(System.IO.Directory.Exists(source), source);
        Assert.Empty(offenders);
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
