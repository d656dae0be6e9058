using Microsoft.AspNetCore.Http;
using SelfTrain.Storage;

namespace SelfTrain.Api;

/// <summary>The problem+json answers the registry's handlers share.</summary>
internal static class RegistryProblems
{
    public static IResult PointerMoved() => Results.Problem(title: "The champion pointer moved", statusCode: StatusCodes.Status409Conflict,
        detail: $"Another writer changed {ModelStore.ChampionBlob} first; read GET /api/models again and retry if still wanted.");

    public static IResult Refused(ModelIntegrityException refusal) => Results.Problem(title: "Model refused", statusCode: StatusCodes.Status422UnprocessableEntity,
        detail: $"{refusal.Message} The champion is unchanged.");

    public static IResult InvalidVersion(string version) => Results.Problem(title: "Invalid model version", statusCode: StatusCodes.Status400BadRequest,
        detail: $"{Core.Models.ModelManifest.VersionRule(version)}.");

    public static IResult UnknownVersion(string version) => Results.Problem(title: "Unknown model version", statusCode: StatusCodes.Status404NotFound,
        detail: $"Model version '{version}' does not exist or is incomplete (no manifest).");
}
