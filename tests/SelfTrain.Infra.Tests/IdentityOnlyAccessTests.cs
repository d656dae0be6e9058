using System.Text.RegularExpressions;

namespace SelfTrain.Infra.Tests;

/// <summary>
/// No setting or environment variable in the compiled infrastructure holds a key or a connection string with a key;
/// every data path authenticates with a managed identity.
/// </summary>
public sealed partial class IdentityOnlyAccessTests
{
    // What a storage/Service Bus/Event Hubs key or SAS looks like inside a value, and the ARM functions that read keys.
    // (The Application Insights connection string names an ingestion endpoint, not a secret: local auth is disabled.)
    [GeneratedRegex(@"AccountKey=|SharedAccessSignature|SharedAccessKey|DefaultEndpointsProtocol=|\bsig=|\blist[A-Za-z]*\(",
        RegexOptions.IgnoreCase)]
    private static partial Regex SecretPattern();

    [GeneratedRegex(@"\blist[A-Za-z]*\(")]
    private static partial Regex ListFunction();

    private static Dictionary<string, object?> FunctionAppSettings(ArmTemplate main) => Infra.FunctionAppSettings(main);

    [Fact]
    public void Function_app_settings_hold_no_key_or_connection_string()
    {
        var settings = FunctionAppSettings(Infra.MainTemplate());

        Assert.NotEmpty(settings);
        foreach (var (name, value) in settings)
            Assert.False(SecretPattern().IsMatch(ArmExpression.Text(value)), $"app setting {name} looks like a secret: {ArmExpression.Text(value)}");
        // The plain AzureWebJobsStorage setting would be a connection string; only its identity form may be present.
        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.DoesNotContain(settings.Keys, name => name.Contains("AccountKey", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Function_app_reaches_storage_and_telemetry_with_its_user_assigned_identity()
    {
        var main = Infra.MainTemplate();
        var settings = FunctionAppSettings(main);
        var storageAccount = main.Single("Microsoft.Storage/storageAccounts");

        Assert.Equal(storageAccount.Name, settings["AzureWebJobsStorage__accountName"]);
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        var clientId = Assert.IsType<Unresolved>(settings["AzureWebJobsStorage__clientId"]);
        Assert.Equal("reference('functionIdentity').outputs.clientId.value", clientId.Expression);
        Assert.Equal($"Authorization=AAD;ClientId={clientId}", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);

        // The app runs as that identity, and nothing else is configured on the site itself.
        var site = main.Single("Microsoft.Web/sites");
        var identity = (Dictionary<string, object?>)site.Get("identity")!;
        Assert.Equal("UserAssigned", identity["type"]);
        var siteConfig = (Dictionary<string, object?>)site.Properties["siteConfig"]!;
        Assert.DoesNotContain("appSettings", siteConfig.Keys);
        Assert.DoesNotContain("connectionStrings", siteConfig.Keys);

        // The Flex Consumption deployment package is read with the same identity, not a key.
        var functionAppConfig = (Dictionary<string, object?>)site.Properties["functionAppConfig"]!;
        var deploymentStorage = (Dictionary<string, object?>)((Dictionary<string, object?>)functionAppConfig["deployment"]!)["storage"]!;
        var authentication = (Dictionary<string, object?>)deploymentStorage["authentication"]!;
        Assert.Equal("UserAssignedIdentity", authentication["type"]);
        Assert.DoesNotContain("storageAccountConnectionStringName", authentication.Keys);
    }

    [Fact]
    public void Trainer_job_environment_holds_no_secret()
    {
        var main = Infra.MainTemplate();
        var job = main.Single("Microsoft.App/jobs");
        var configuration = (Dictionary<string, object?>)job.Properties["configuration"]!;
        var container = (Dictionary<string, object?>)Assert.Single((List<object?>)((Dictionary<string, object?>)job.Properties["template"]!)["containers"]!)!;
        var env = ((List<object?>)container["env"]!).Cast<Dictionary<string, object?>>().ToDictionary(e => (string)e["name"]!);

        Assert.True(!configuration.TryGetValue("secrets", out var secrets) || secrets is List<object?> { Count: 0 }, "the job declares secrets");
        foreach (var (name, variable) in env)
        {
            Assert.DoesNotContain("secretRef", variable.Keys);
            Assert.False(SecretPattern().IsMatch(ArmExpression.Text(variable["value"])), $"env {name} looks like a secret");
        }
        Assert.Equal(main.Single("Microsoft.Storage/storageAccounts").Name, env["AzureWebJobsStorage__accountName"]["value"]);
        Assert.Equal("reference('trainerIdentity').outputs.clientId.value", Assert.IsType<Unresolved>(env["AzureWebJobsStorage__clientId"]["value"]).Expression);

        // The image is pulled with the identity, not a registry password.
        var registry = (Dictionary<string, object?>)Assert.Single((List<object?>)configuration["registries"]!)!;
        Assert.DoesNotContain("passwordSecretRef", registry.Keys);
        Assert.Equal("reference('trainerIdentity').outputs.id.value", Assert.IsType<Unresolved>(registry["identity"]).Expression);
    }

    [Fact]
    public void The_only_key_anywhere_is_the_Functions_host_webhook_key()
    {
        // Read over the whole compiled text, deployed or not: the Event Grid webhook must carry the host's
        // blobs_extension key (Event Grid cannot use an identity to call a webhook); nothing reads a storage, registry
        // or workspace key.
        var json = Infra.CompiledJson("main.bicep");
        var calls = ListFunction().Matches(json).Select(m => json.Substring(m.Index, Math.Min(200, json.Length - m.Index))).ToList();

        var call = Assert.Single(calls);
        Assert.StartsWith("listKeys(format('{0}/host/default', resourceId('Microsoft.Web/sites'", call, StringComparison.Ordinal);
        Assert.DoesNotMatch("AccountKey|SharedAccessSignature|DefaultEndpointsProtocol|primarySharedKey", json);
    }

    [Fact]
    public void Storage_account_refuses_shared_keys_and_anonymous_access()
    {
        var main = Infra.MainTemplate();
        var account = main.Single("Microsoft.Storage/storageAccounts").Properties;

        Assert.Equal(false, account["allowSharedKeyAccess"]);
        Assert.Equal(false, account["allowBlobPublicAccess"]);
        Assert.Equal(true, account["defaultToOAuthAuthentication"]);
        Assert.Equal("TLS1_2", account["minimumTlsVersion"]);
        Assert.Equal(true, account["supportsHttpsTrafficOnly"]);
        Assert.All(main.AllResources("Microsoft.Storage/storageAccounts/blobServices/containers"),
            container => Assert.Equal("None", container.Properties["publicAccess"]));
    }

    [Fact]
    public void Monitoring_and_registry_have_local_auth_disabled()
    {
        var main = Infra.MainTemplate();

        Assert.Equal(true, main.Single("Microsoft.Insights/components").Properties["DisableLocalAuth"]);
        var workspace = main.Single("Microsoft.OperationalInsights/workspaces").Properties;
        Assert.Equal(true, ((Dictionary<string, object?>)workspace["features"]!)["disableLocalAuth"]);
        var registry = main.Single("Microsoft.ContainerRegistry/registries").Properties;
        Assert.Equal(false, registry["adminUserEnabled"]);
        Assert.Equal(false, registry["anonymousPullEnabled"]);
        // Container Apps logs flow through Azure Monitor, so the environment needs no workspace key.
        var environment = main.Single("Microsoft.App/managedEnvironments").Properties;
        Assert.Equal("azure-monitor", ((Dictionary<string, object?>)environment["appLogsConfiguration"]!)["destination"]);
    }

    [Fact]
    public void Basic_publishing_credentials_are_disabled()
    {
        var policies = Infra.MainTemplate().AllResources("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();

        Assert.Equal(["ftp", "scm"], policies.Select(p => p.Name.Split('/')[^1]).Order());
        Assert.All(policies, p => Assert.Equal(false, p.Properties["allow"]));
    }
}
