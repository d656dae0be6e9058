using SelfTrain.Serving;
using SelfTrain.Storage;
using SelfTrain.Workflow.Round;

namespace SelfTrain.Api;

/// <summary>Everything the dashboard shows, read once per request.</summary>
public sealed record DashboardData(
    DateTimeOffset Now,
    ChampionPointer? Champion,
    string? ServedHere,
    IReadOnlyList<ChampionHistoryEntry> History,
    LabelStreamSnapshot Labels,
    LabelCensus? Census,
    IReadOnlyList<RunningRound> Running,
    IReadOnlyList<FinishedRound> Finished,
    IReadOnlyList<RoundPlot> LatestPlots);

/// <summary>A round orchestration not yet finished, with the phase it reported last.</summary>
public sealed record RunningRound(string InstanceId, string Status, DateTimeOffset Created, RoundStatus? Progress);

/// <summary>A round's report from <c>runs/{id}/round-report.json</c>; <see cref="Result"/> is null when the blob cannot be read as one.</summary>
public sealed record FinishedRound(string Id, DateTimeOffset Written, RoundResult? Result);

/// <summary>One PNG a round wrote beside its report.</summary>
public sealed record RoundPlot(string Name, byte[] Png);
