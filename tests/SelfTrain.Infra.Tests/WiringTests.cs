using System.Text.Json;
using System.Text.RegularExpressions;

namespace SelfTrain.Infra.Tests;

/// <summary>
/// The compiled infrastructure wires what the code expects: the blob trigger's Event Grid subscription, the trainer's
/// queue scaler, the storage names and the role assignments. Names come from infra/names.bicep (<see cref="Infra.Names"/>).
/// </summary>
public sealed class WiringTests
{
    private static string Incoming => Infra.Name("containers", "incoming");
    private static string LabelImage => Infra.Name("functions", "labelImage");
    private static string TrainingJobs => Infra.Name("queues", "trainingJobs");

    [Fact]
    public void The_shared_names_are_the_ones_the_code_uses()
    {
        Assert.Equal(["candidates", "embeddings", "gold", "incoming", "incoming-deadletter", "models", "quarantine", "runs", "shards"], Infra.Names("containers").Values.Cast<string>().Order());
        Assert.Equal(["training-jobs", "training-results"], Infra.Names("queues").Values.Cast<string>().Order());
        Assert.Equal(["labels"], Infra.Names("tables").Values.Cast<string>());
        Assert.Equal("LabelImage", LabelImage);
    }

    [Fact]
    public void Storage_holds_the_containers_queues_and_table_the_system_uses()
    {
        var main = Infra.MainTemplate();
        string[] Leaves(string type) => main.AllResources(type).Select(r => r.Name.Split('/')[^1]).Order().ToArray();

        var containers = Leaves("Microsoft.Storage/storageAccounts/blobServices/containers");
        var deploymentContainer = Assert.Single(containers, c => c.StartsWith("app-package-", StringComparison.Ordinal));
        Assert.Equal(Infra.Names("containers").Values.Cast<string>().Order(), containers.Where(c => c != deploymentContainer));
        Assert.Equal(Infra.Names("queues").Values.Cast<string>().Order(), Leaves("Microsoft.Storage/storageAccounts/queueServices/queues"));
        Assert.Equal(Infra.Names("tables").Values.Cast<string>().Order(), Leaves("Microsoft.Storage/storageAccounts/tableServices/tables"));

        // The Functions app deploys from that container of that account.
        var site = main.Single("Microsoft.Web/sites");
        var deployment = (Dictionary<string, object?>)((Dictionary<string, object?>)site.Properties["functionAppConfig"]!)["deployment"]!;
        var storage = (Dictionary<string, object?>)deployment["storage"]!;
        Assert.Equal("blobContainer", storage["type"]);
        Assert.EndsWith($"{deploymentContainer}", ArmExpression.Text(storage["value"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Function_app_runs_dotnet_isolated_10_on_Flex_Consumption()
    {
        var main = Infra.MainTemplate();
        var plan = main.Single("Microsoft.Web/serverfarms");
        var sku = (Dictionary<string, object?>)plan.Get("sku")!;
        Assert.Equal("FC1", sku["name"]);
        Assert.Equal("FlexConsumption", sku["tier"]);

        var site = main.Single("Microsoft.Web/sites");
        var runtime = (Dictionary<string, object?>)((Dictionary<string, object?>)site.Properties["functionAppConfig"]!)["runtime"]!;
        Assert.Equal("dotnet-isolated", runtime["name"]);
        Assert.Equal("10.0", runtime["version"]);
        Assert.Equal("functions", ((Dictionary<string, object?>)site.Get("tags")!)["azd-service-name"]);
        Assert.Equal(true, site.Properties["httpsOnly"]);
    }

    [Fact]
    public void Blob_events_reach_LabelImage_only_once_the_code_is_deployed()
    {
        // The webhook key exists only after the code runs: by default the template leaves the subscription to the
        // postdeploy hook, which then sets deployEventSubscription for later provisions.
        Assert.Empty(Infra.MainTemplate().AllResources("Microsoft.EventGrid/systemTopics/eventSubscriptions"));
        Assert.Single(Infra.MainTemplate(("deployEventSubscription", true)).AllResources("Microsoft.EventGrid/systemTopics/eventSubscriptions"));
    }

    [Fact]
    public void Event_Grid_delivers_BlobCreated_in_incoming_to_the_LabelImage_webhook()
    {
        var main = Infra.MainTemplate(("deployEventSubscription", true));
        var subscription = main.Single("Microsoft.EventGrid/systemTopics/eventSubscriptions").Properties;

        var filter = (Dictionary<string, object?>)subscription["filter"]!;
        Assert.Equal($"/blobServices/default/containers/{Incoming}/", filter["subjectBeginsWith"]);
        Assert.Equal(["Microsoft.Storage.BlobCreated"], (List<object?>)filter["includedEventTypes"]!);

        var destination = (Dictionary<string, object?>)subscription["destination"]!;
        Assert.Equal("WebHook", destination["endpointType"]);
        var url = (string)((Dictionary<string, object?>)destination["properties"]!)["endpointUrl"]!;
        Assert.Matches(
            $@"^https://«reference\('functionApp'\)\.defaultHostName»/runtime/webhooks/blobs\?functionName=Host\.Functions\.{LabelImage}&code=«listKeys\(format\('\{{0\}}/host/default', resourceId\('Microsoft\.Web/sites', parameters\('functionAppName'\)\)\), '[0-9-]+'\)\.systemKeys\.blobs_extension»$",
            url);

        // The webhook belongs to the deployed Functions app, and the topic publishes the events of the one storage account.
        var subscriptionModule = main.Module("blobEventSubscription");
        Assert.Equal(main.Single("Microsoft.Web/sites").Name, subscriptionModule.Parameter("functionAppName"));
        var topic = main.Single("Microsoft.EventGrid/systemTopics").Properties;
        Assert.Equal("Microsoft.Storage.StorageAccounts", topic["topicType"]);
        Assert.Equal("reference('storage').outputs.id.value", Assert.IsType<Unresolved>(topic["source"]).Expression);
        Assert.Equal(main.Single("Microsoft.EventGrid/systemTopics").Name, subscriptionModule.Parameter("systemTopicName"));
    }

    [Fact]
    public void The_postdeploy_hook_creates_the_same_subscription_as_the_template()
    {
        // The hook reads the names from the provision outputs; they must be the ones the template uses.
        var main = Infra.MainTemplate(("deployEventSubscription", true));
        var outputs = main.Json.GetProperty("outputs");
        string Output(string name) => outputs.GetProperty(name).GetProperty("value").GetString()!;
        Assert.Equal("[variables('eventSubscriptionName')]", Output("AZURE_EVENTGRID_SUBSCRIPTION_NAME"));
        Assert.Equal(main.Single("Microsoft.EventGrid/systemTopics/eventSubscriptions").Name.Split('/')[^1], main.Variable("eventSubscriptionName"));
        Assert.Equal(LabelImage, main.Resolve(outputs.GetProperty("SELFTRAIN_FUNCTION_LABEL_IMAGE").GetProperty("value"), null));
        Assert.Equal(Incoming, main.Resolve(outputs.GetProperty("SELFTRAIN_CONTAINER_INCOMING").GetProperty("value"), null));

        var hook = File.ReadAllText(Path.Combine(Bicep.InfraDirectory, "hooks", "postdeploy.sh"));
        Assert.Contains("--name \"$AZURE_EVENTGRID_SUBSCRIPTION_NAME\"", hook, StringComparison.Ordinal);
        Assert.Contains("functionName=Host.Functions.$SELFTRAIN_FUNCTION_LABEL_IMAGE&code=$key", hook, StringComparison.Ordinal);
        Assert.Contains("--subject-begins-with \"/blobServices/default/containers/$SELFTRAIN_CONTAINER_INCOMING/\"", hook, StringComparison.Ordinal);
        Assert.Contains("--included-event-types Microsoft.Storage.BlobCreated", hook, StringComparison.Ordinal);
    }

    [Fact]
    public void The_trainer_job_starts_for_each_message_on_training_jobs()
    {
        var main = Infra.MainTemplate();
        var job = main.Single("Microsoft.App/jobs");
        var configuration = (Dictionary<string, object?>)job.Properties["configuration"]!;

        Assert.Equal("Event", configuration["triggerType"]);
        Assert.True((long)configuration["replicaTimeout"]! >= 3600, "a training run needs hours, not the default 30 minutes");
        Assert.Equal(1L, configuration["replicaRetryLimit"]);
        var trigger = (Dictionary<string, object?>)configuration["eventTriggerConfig"]!;
        Assert.Equal(1L, trigger["parallelism"]);
        var scale = (Dictionary<string, object?>)trigger["scale"]!;
        Assert.Equal(0L, scale["minExecutions"]);

        var rule = (Dictionary<string, object?>)Assert.Single((List<object?>)scale["rules"]!)!;
        Assert.Equal("azure-queue", rule["type"]);
        var metadata = (Dictionary<string, object?>)rule["metadata"]!;
        Assert.Equal(TrainingJobs, metadata["queueName"]);
        Assert.Equal("1", metadata["queueLength"]);
        Assert.Equal(main.Single("Microsoft.Storage/storageAccounts").Name, metadata["accountName"]);
        // KEDA authenticates with the job's identity (workload identity), not a connection string secret.
        Assert.DoesNotContain("auth", rule.Keys);
        Assert.Equal("reference('trainerIdentity').outputs.id.value", Assert.IsType<Unresolved>(rule["identity"]).Expression);
        var identity = (Dictionary<string, object?>)job.Get("identity")!;
        Assert.Equal("UserAssigned", identity["type"]);
    }

    [Theory]
    [InlineData(null, "Consumption-GPU-NC8as-T4", 8L)]
    [InlineData("Consumption-GPU-NC24-A100", "Consumption-GPU-NC24-A100", 24L)]
    public void The_trainer_runs_on_a_serverless_GPU_profile(string? gpuProfile, string expectedType, long expectedCpu)
    {
        var main = gpuProfile is null ? Infra.MainTemplate() : Infra.MainTemplate(("gpuProfile", gpuProfile));
        var job = main.Single("Microsoft.App/jobs");
        var environment = main.Single("Microsoft.App/managedEnvironments");

        var profiles = ((List<object?>)environment.Properties["workloadProfiles"]!).Cast<Dictionary<string, object?>>();
        var profile = Assert.Single(profiles, p => Equals(p["name"], job.Properties["workloadProfileName"]));
        Assert.Equal(expectedType, profile["workloadProfileType"]);
        var container = (Dictionary<string, object?>)Assert.Single((List<object?>)((Dictionary<string, object?>)job.Properties["template"]!)["containers"]!)!;
        Assert.Equal(expectedCpu, ((Dictionary<string, object?>)container["resources"]!)["cpu"]);
        Assert.Equal("trainer", ((Dictionary<string, object?>)job.Get("tags")!)["azd-service-name"]);
    }

    public static TheoryData<string, string[]> ExpectedRoles() => new()
    {
        { "functionIdentity", ["storageBlobDataOwner", "storageQueueDataContributor", "storageTableDataContributor", "monitoringMetricsPublisher"] },
        { "trainerIdentity", ["storageBlobDataReader", "storageBlobDataReader", "storageBlobDataContributor", "storageQueueDataContributor",
            "storageQueueDataMessageSender", "acrPull", "monitoringMetricsPublisher"] },
    };

    [Theory]
    [MemberData(nameof(ExpectedRoles))]
    public void Each_identity_gets_exactly_its_data_roles(string identity, string[] expectedRoles)
    {
        var roleNames = Infra.Roles.ToDictionary(r => (string)r.Value!, r => r.Key);
        var granted = Infra.MainTemplate().AllResources("Microsoft.Authorization/roleAssignments")
            .Select(a => a.Properties)
            .Where(p => p["principalId"] is Unresolved u && u.Expression == $"reference('{identity}').outputs.principalId.value")
            .Select(p => roleNames[((string)p["roleDefinitionId"]!).Split('/')[^1]]);

        Assert.Equal(expectedRoles.Order(), granted.Order());
    }

    [Fact]
    public void Attack_a_compromised_trainer_reaches_no_storage_beyond_its_own_containers_and_queues()
    {
        // The trainer image runs third-party native code; if it is compromised, it must not be able to write
        // models/champion.json, the deployment package, the host keys or the Durable queues. So none of its storage
        // roles may be scoped to the account, and each names exactly one container or queue.
        var main = Infra.MainTemplate();
        var account = main.Single("Microsoft.Storage/storageAccounts").Name;
        var roleNames = Infra.Roles.ToDictionary(r => (string)r.Value!, r => r.Key);
        var storageGrants = main.AllResources("Microsoft.Authorization/roleAssignments")
            .Where(a => a.Properties["principalId"] is Unresolved u && u.Expression == "reference('trainerIdentity').outputs.principalId.value")
            .Select(a => (Scope: Assert.IsType<string>(a.Get("scope")), Role: roleNames[((string)a.Properties["roleDefinitionId"]!).Split('/')[^1]]))
            .Where(g => g.Scope.Contains("/Microsoft.Storage/", StringComparison.Ordinal))
            .ToList();

        var accountScope = $"/providers/Microsoft.Storage/storageAccounts/{account}";
        Assert.DoesNotContain(storageGrants, g => g.Scope.EndsWith(accountScope, StringComparison.Ordinal));
        Assert.Equal(
            new[]
            {
                ($"{accountScope}/blobServices/default/containers/{Infra.Name("containers", "candidates")}", "storageBlobDataContributor"),
                ($"{accountScope}/blobServices/default/containers/{Infra.Name("containers", "runs")}", "storageBlobDataReader"),
                ($"{accountScope}/blobServices/default/containers/{Infra.Name("containers", "shards")}", "storageBlobDataReader"),
                ($"{accountScope}/queueServices/default/queues/{Infra.Name("queues", "trainingJobs")}", "storageQueueDataContributor"),
                ($"{accountScope}/queueServices/default/queues/{Infra.Name("queues", "trainingResults")}", "storageQueueDataMessageSender"),
            },
            storageGrants.Select(g => (g.Scope[g.Scope.IndexOf(accountScope, StringComparison.Ordinal)..], g.Role)).Order());
    }

    [Fact]
    public void Undeliverable_blob_events_are_dead_lettered_with_the_topic_identity_to_a_container_only_it_and_the_app_write()
    {
        var main = Infra.MainTemplate(("deployEventSubscription", true));
        var subscription = main.Single("Microsoft.EventGrid/systemTopics/eventSubscriptions").Properties;
        var deadLetter = (Dictionary<string, object?>)subscription["deadLetterWithResourceIdentity"]!;
        Assert.Equal("SystemAssigned", ((Dictionary<string, object?>)deadLetter["identity"]!)["type"]);
        var destination = (Dictionary<string, object?>)((Dictionary<string, object?>)deadLetter["deadLetterDestination"]!)["properties"]!;
        Assert.Equal(Infra.Name("containers", "deadLetters"), destination["blobContainerName"]);
        Assert.Equal("SystemAssigned", ((Dictionary<string, object?>)main.Single("Microsoft.EventGrid/systemTopics").Get("identity")!)["type"]);

        var topicGrants = main.AllResources("Microsoft.Authorization/roleAssignments")
            .Where(a => a.Properties["principalId"] is Unresolved u && u.Expression == "reference('eventGridTopic').outputs.principalId.value")
            .Select(a => Assert.IsType<string>(a.Get("scope")))
            .ToList();
        Assert.EndsWith($"/containers/{Infra.Name("containers", "deadLetters")}", Assert.Single(topicGrants));
    }

    [Fact]
    public void The_gate_floor_is_the_deployment_s_configuration()
    {
        var settings = Infra.FunctionAppSettings(Infra.MainTemplate(("gateFloor", new Dictionary<string, object?>
        {
            ["alpha"] = "0.01", ["minimumGain"] = "0.02", ["maximumRecallDrop"] = "0.03",
        })));

        Assert.Equal("0.01", settings["Gate__Alpha"]);
        Assert.Equal("0.02", settings["Gate__MinimumGain"]);
        Assert.Equal("0.03", settings["Gate__MaximumRecallDrop"]);
    }

    [Fact]
    public void The_embeddings_endpoint_is_set_only_when_named_and_its_key_only_by_secret_reference()
    {
        Assert.DoesNotContain(Infra.FunctionAppSettings(Infra.MainTemplate()).Keys, k => k.StartsWith("Embeddings__", StringComparison.Ordinal));

        var settings = Infra.FunctionAppSettings(Infra.MainTemplate(("embeddings", new Dictionary<string, object?>
        {
            ["endpoint"] = "https://example.services.ai.azure.com/models", ["keySecretUri"] = "https://vault.vault.azure.net/secrets/embeddings-key",
            ["tokenScope"] = "https://cognitiveservices.azure.com/.default",
        })));
        Assert.Equal("https://example.services.ai.azure.com/models", settings["Embeddings__Endpoint"]);
        Assert.Equal("https://vault.vault.azure.net/secrets/embeddings-key", settings["Embeddings__KeySecretUri"]);
        Assert.Equal("https://cognitiveservices.azure.com/.default", settings["Embeddings__TokenScope"]);
        Assert.Equal(3, settings.Keys.Count(k => k.StartsWith("Embeddings__", StringComparison.Ordinal)));
    }

    [Fact]
    public void Only_built_in_data_roles_are_granted_and_the_deployer_only_when_known()
    {
        var knownRoles = Infra.Roles.Values.Cast<string>().ToHashSet();
        var withDeployer = Infra.MainTemplate(("principalId", "00000000-0000-0000-0000-000000000001")).AllResources("Microsoft.Authorization/roleAssignments").ToList();

        // No Owner, Contributor, User Access Administrator or Storage Account Contributor (which can read keys).
        Assert.All(withDeployer, a => Assert.Contains(((string)a.Properties["roleDefinitionId"]!).Split('/')[^1], knownRoles));
        var deployer = withDeployer.Where(a => Equals(a.Properties["principalId"], "00000000-0000-0000-0000-000000000001")).ToList();
        Assert.Equal(3, deployer.Count);
        Assert.All(deployer, a => Assert.Equal("User", a.Properties["principalType"]));
        Assert.Equal(withDeployer.Count - 3, Infra.MainTemplate().AllResources("Microsoft.Authorization/roleAssignments").Count());
    }

    [Fact]
    public void Every_resource_carries_the_azd_environment_tag()
    {
        var main = Infra.MainTemplate(("environmentName", "demo"));
        var taggable = main.AllResources().Where(r => !r.IsExisting && r.Json.TryGetProperty("location", out _)).ToList();

        Assert.NotEmpty(taggable);
        Assert.All(taggable, r =>
        {
            var tags = Assert.IsType<Dictionary<string, object?>>(r.Get("tags"));
            Assert.Equal("demo", tags["azd-env-name"]);
        });
        Assert.Equal("rg-demo", main.Single("Microsoft.Resources/resourceGroups").Name);
    }

    [Fact]
    public void The_front_page_is_the_dashboard_and_every_other_route_stays_under_api()
    {
        // The Dashboard function's route is "/" (checked in the Functions tests); it answers only with the runtime's
        // own welcome page off and no route prefix in front of it.
        Assert.Equal("true", Infra.FunctionAppSettings(Infra.MainTemplate())["AzureWebJobsDisableHomepage"]);
        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(Bicep.RepositoryRoot, "host.json")));
        Assert.Equal("", hostJson.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [Fact]
    public void Host_json_uses_the_task_hub_the_infrastructure_names()
    {
        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(Bicep.RepositoryRoot, "host.json")));
        var durableTask = hostJson.RootElement.GetProperty("extensions").GetProperty("durableTask");

        Assert.Equal(Infra.Name("taskHubName"), durableTask.GetProperty("hubName").GetString());
        Assert.Equal("AzureStorage", durableTask.GetProperty("storageProvider").GetProperty("type").GetString(), ignoreCase: true);
    }

    [Fact]
    public void The_evaluator_reads_what_it_cannot_know_as_unresolved()
    {
        // Guards the helper the tests above rely on: a wrong evaluation would make their assertions meaningless.
        var template = ArmTemplate.Parse("""
            {
              "parameters": { "p": { "type": "string", "defaultValue": "x" } },
              "variables": { "v": { "a": "[toLower('AB')]" }, "escaped": "[[not an expression]" },
              "resources": {}
            }
            """);
        Assert.Equal("ab", template.Variable("v") is Dictionary<string, object?> v ? v["a"] : null);
        Assert.Equal("[not an expression]", template.Variable("escaped"));
        Assert.Equal("x-ab-It's", ArmExpression.Evaluate("format('{0}-{1}-{2}', parameters('p'), variables('v').a, 'It''s')", Context(template)));
        Assert.Equal("k=«uniqueString(subscription().id)»", ArmExpression.Evaluate("format('k={0}', uniqueString(subscription().id))", Context(template)));
        Assert.Equal(new Unresolved("reference('m').outputs.id.value"), ArmExpression.Evaluate("reference('m').outputs.id.value", Context(template)));
        Assert.Equal("b", ArmExpression.Evaluate("if(equals(parameters('p'), 'y'), 'a', 'b')", Context(template)));
        Assert.Throws<KeyNotFoundException>(() => ArmExpression.Evaluate("variables('v').missing", Context(template)));
        Assert.Throws<FormatException>(() => ArmExpression.Evaluate("format('{0}'", Context(template)));
    }

    private static ArmExpression.IContext Context(ArmTemplate template) => new TemplateContext(template);

    private sealed class TemplateContext(ArmTemplate template) : ArmExpression.IContext
    {
        public object? Parameter(string name) => template.Parameter(name);
        public object? Variable(string name) => template.Variable(name);
        public long CopyIndex() => throw new InvalidOperationException();
    }
}
