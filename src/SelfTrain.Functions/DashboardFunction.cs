using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SelfTrain.Api;

namespace SelfTrain.Functions;

/// <summary>
/// The operators' page at <c>/</c>, the app's front page, rendered by the handler the local host serves there too. It only
/// reads, and a browser carries its key in the URL, so it takes a function key of its own (<c>?code=</c>) rather than
/// the master key that changes what is served; a key of <c>Predict</c> does not open it.
/// </summary>
public sealed class DashboardFunction(DashboardHandler dashboard)
{
    [Function("Dashboard")]
    public Task<IResult> Dashboard(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = DashboardHandler.Route)] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        dashboard.HandleAsync(request, client);
}
