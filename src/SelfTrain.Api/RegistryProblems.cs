using Microsoft.AspNetCore.Http;
using SelfTrain.Storage;

namespace SelfTrain.Api;

/// <summary>The problem+json answers the registry's handlers share.</summary>
internal static class RegistryProblems
{
    public static IResult PointerMoved() => Results.Problem(title: "The champion pointer moved", statusCode: StatusCodes.Status409Conflict,
        detail: $"Another writer changed {ModelStore.ChampionBlob} first; read GET /api/models again and retry if still wanted.");

    public static IResult UnknownVersion(string version) => Results.Problem(title: "Unknown model version", statusCode: StatusCodes.Status404NotFound,
        detail: $"Model version '{version}' does not exist or is incomplete (no manifest).");
}
