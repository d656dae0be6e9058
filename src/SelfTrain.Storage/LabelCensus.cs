namespace SelfTrain.Storage;

/// <summary>
/// The label table counted: rows labelled and quarantined, labelled rows by class and by the model version that
/// labelled them, quarantined rows by reason. Each tally is bounded (<see cref="Core.Labels.NameCounts"/>).
/// </summary>
public sealed record LabelCensus(
    DateTimeOffset CountedAt,
    TimeSpan Took,
    long Labelled,
    long Rejected,
    IReadOnlyDictionary<string, long> LabelledByClass,
    IReadOnlyDictionary<string, long> LabelledByModel,
    IReadOnlyDictionary<string, long> RejectedByReason);
