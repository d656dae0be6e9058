using SelfTrain.Storage;
using SelfTrain.Testing;

namespace SelfTrain.Infra.Tests;

/// <summary>
/// The Functions app as built (its functions.metadata) against the infrastructure and the code's storage layout:
/// triggers, paths, queue names and connection names must agree, so neither side can drift silently.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly StorageLayout Layout = new();

    [Fact]
    public void LabelImage_listens_where_Event_Grid_delivers()
    {
        var trigger = FunctionsAppOutput.Trigger(Infra.Name("functions", "labelImage"));
        Assert.Equal("blobTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("EventGrid", trigger.GetProperty("source").GetString());
        Assert.Equal($"{Infra.Name("containers", "incoming")}/{{name}}", trigger.GetProperty("path").GetString());
        Assert.Equal(Layout.Incoming, Infra.Name("containers", "incoming"));
    }

    [Fact]
    public void Every_trigger_connection_is_set_up_with_identity_settings_on_the_app()
    {
        var settings = Infra.FunctionAppSettings(Infra.MainTemplate());
        var connections = FunctionsAppOutput.AllTriggers()
            .Select(t => t.TryGetProperty("connection", out var c) ? c.GetString() : null).OfType<string>().Distinct().ToArray();
        Assert.NotEmpty(connections);
        foreach (var connection in connections)
        {
            Assert.Contains($"{connection}__accountName", settings.Keys);
            Assert.Contains($"{connection}__credential", settings.Keys);
        }
    }

    [Fact]
    public void Queue_triggers_read_queues_the_infrastructure_creates()
    {
        var queues = Infra.Names("queues").Values.Cast<string>().ToHashSet();
        foreach (var trigger in FunctionsAppOutput.AllTriggers().Where(t => t.GetProperty("type").GetString() == "queueTrigger"))
            Assert.Contains(trigger.GetProperty("queueName").GetString()!, queues);
    }

    [Fact]
    public void The_code_and_the_infrastructure_name_storage_alike()
    {
        Assert.Equal(
            new[] { Layout.Candidates, Layout.Embeddings, Layout.Gold, Layout.DeadLetters, Layout.Incoming, Layout.Models, Layout.Quarantine, Layout.Runs, Layout.Shards }.Order(StringComparer.Ordinal),
            Infra.Names("containers").Values.Cast<string>().Order(StringComparer.Ordinal));
        Assert.Equal(new[] { Layout.TrainingJobs, Layout.TrainingResults }, Infra.Names("queues").Values.Cast<string>().Order());
        Assert.Equal(Layout.Labels, Infra.Name("tables", "labels"));
    }
}
