namespace SelfTrain.Functions;

/// <summary>
/// host.json's route prefix is empty so that the dashboard can be the app's front page (with
/// <c>AzureWebJobsDisableHomepage</c> set, as Bicep does); every other route names <c>/api</c> itself, the paths the
/// local host maps.
/// </summary>
internal static class FunctionRoutes
{
    public const string Api = "api/";
}
