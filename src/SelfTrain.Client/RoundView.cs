using System.Text.Json;
using SelfTrain.Core;
using SelfTrain.Workflow.Round;

namespace SelfTrain.Client;

/// <summary>
/// A round as <c>GET /api/rounds/{id}</c> shows it. <see cref="Result"/> is the orchestration's output: the round's
/// result once completed, the reason text once terminated.
/// </summary>
public sealed record RoundView(string Id, string Status, RoundStatus? CustomStatus, JsonElement? Result, string? Failure, IReadOnlyList<string> Reasons)
{
    /// <summary>Completed, failed or terminated: it will not change any more.</summary>
    public bool Ended => Status is "Completed" or "Failed" or "Terminated";

    /// <summary>The round's result when it completed; null otherwise.</summary>
    public RoundResult? Completed => Status == "Completed" && Result is { ValueKind: JsonValueKind.Object } result
        ? result.Deserialize<RoundResult>(SelfTrainJson.Options) : null;
}
