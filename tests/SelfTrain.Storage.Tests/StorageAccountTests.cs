using Azure;
using Microsoft.Extensions.Configuration;
using Azure.Data.Tables;
using SelfTrain.Storage;
using SelfTrain.Testing;

namespace SelfTrain.Storage.Tests;

public sealed class StorageAccountTests
{
    [Fact]
    public void Missing_setting_is_a_clear_error_naming_both_forms()
    {
        var error = Assert.Throws<InvalidOperationException>(() => StorageAccount.FromSetting(_ => null));
        Assert.Contains("'AzureWebJobsStorage'", error.Message);
        Assert.Contains("'AzureWebJobsStorage__accountName'", error.Message);
    }

    [Fact]
    public void Environment_variables_in_the_identity_form_configure_the_account()
    {
        // What the Functions app gets in Azure: AzureWebJobsStorage__accountName as an environment variable.
        Environment.SetEnvironmentVariable("SELFTRAIN_TEST_AzureWebJobsStorage__accountName", "stfromenv");
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables("SELFTRAIN_TEST_").Build();
        var account = StorageAccount.FromSetting(name => configuration[name]);
        Assert.Equal(new Uri("https://stfromenv.blob.core.windows.net/"), account.Blobs.Uri);
    }

    [Fact]
    public void Identity_form_points_every_client_at_the_named_account()
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage:accountName"] = "stselftrain",
            ["AzureWebJobsStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
        };
        var account = StorageAccount.FromSetting(name => settings.GetValueOrDefault(name));
        Assert.Equal(new Uri("https://stselftrain.blob.core.windows.net/"), account.Blobs.Uri);
        Assert.Equal(new Uri("https://stselftrain.queue.core.windows.net/"), account.Queues.Uri);
        Assert.Equal(new Uri("https://stselftrain.table.core.windows.net/"), account.Tables.Uri);
    }

    [Fact]
    public void Connection_string_wins_over_the_identity_form()
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = StorageAccount.DevelopmentConnectionString,
            ["AzureWebJobsStorage:accountName"] = "stselftrain",
        };
        var account = StorageAccount.FromSetting(name => settings.GetValueOrDefault(name));
        Assert.Equal("devstoreaccount1", account.Blobs.AccountName);
    }

    [Fact]
    public async Task Blobs_queues_and_tables_work_on_azurite()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();

        var container = await scope.CreateContainerAsync("images");
        await container.UploadBlobAsync("a.bin", BinaryData.FromBytes([1, 2, 3]));
        Assert.Equal(new byte[] { 1, 2, 3 }, (await container.GetBlobClient("a.bin").DownloadContentAsync()).Value.Content.ToArray());

        var queue = await scope.CreateQueueAsync("jobs");
        await queue.SendMessageAsync("hello");
        Assert.Equal("hello", (await queue.ReceiveMessageAsync()).Value.MessageText);

        var table = await scope.CreateTableAsync("labels");
        await table.AddEntityAsync(new TableEntity("p", "r") { ["Class"] = 3 });
        Assert.Equal(3, (await table.GetEntityAsync<TableEntity>("p", "r")).Value.GetInt32("Class"));
    }

    [Fact]
    public async Task Scopes_are_isolated_and_clean_up_after_themselves()
    {
        string containerName, queueName, tableName;
        await using (var first = await AzuriteStorage.CreateScopeAsync())
        await using (var second = await AzuriteStorage.CreateScopeAsync())
        {
            var a = await first.CreateContainerAsync("incoming");
            var b = await second.CreateContainerAsync("incoming");
            Assert.NotEqual(a.Name, b.Name);
            await a.UploadBlobAsync("x", BinaryData.FromString("only in the first"));
            Assert.False(await b.GetBlobClient("x").ExistsAsync());

            containerName = a.Name;
            queueName = (await first.CreateQueueAsync("training-jobs")).Name;
            tableName = (await first.CreateTableAsync("labels")).Name;
        }

        var account = StorageAccount.FromConnectionString(AzuriteStorage.ConnectionString);
        Assert.False(await account.Blobs.GetBlobContainerClient(containerName).ExistsAsync());
        Assert.False(await account.Queues.GetQueueClient(queueName).ExistsAsync());
        var error = await Assert.ThrowsAsync<RequestFailedException>(() => account.Tables.GetTableClient(tableName).GetEntityAsync<TableEntity>("p", "r"));
        Assert.Equal(404, error.Status);
    }
}
