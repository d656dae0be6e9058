using SelfTrain.Demo.Scenario;
using SelfTrain.Workflow.Round;

namespace SelfTrain.Demo.Report;

/// <summary>The ablation's rows of one demo run, from the models it scored on gold/test.</summary>
public static class AblationRows
{
    public const string NaiveCopy = "naive copy";

    /// <summary>
    /// The naive copy (role <c>naive</c>), each trained step (role = the step's name), round 1's candidate as the last
    /// step and each later round's candidate, in that order.
    /// </summary>
    /// <exception cref="InvalidOperationException">Round 1 produced no candidate, or a step's student was not scored.</exception>
    public static IReadOnlyList<AblationRow> Of(IReadOnlyList<ModelScore> scores, IReadOnlyList<RoundResult> rounds)
    {
        var steps = AblationSteps.Of(new());
        var candidates = rounds.Where(r => r.Candidate is not null).ToArray();
        if (candidates.FirstOrDefault() is not { Round: 1 } first)
            throw new InvalidOperationException("The ablation's last step is round 1's candidate, and round 1 produced none.");
        ModelScore Scored(Func<ModelScore, bool> match, string what) =>
            scores.FirstOrDefault(match) ?? throw new InvalidOperationException($"The ablation's {what} was not scored.");

        var rows = new List<AblationRow>
        {
            new(NaiveCopy, "A's argmax label for every pool image, classes oversampled, no gold, no noise", Scored(s => s.Role == "naive", "naive copy")),
        };
        rows.AddRange(steps.SkipLast(1).Select(step => new AblationRow(step.Name, step.Adds, Scored(s => s.Role == step.Name, $"step '{step.Name}'"))));
        rows.Add(new AblationRow(steps[^1].Name, steps[^1].Adds, Scored(s => s.Version == first.Candidate, "round 1 candidate")));
        rows.AddRange(candidates.Skip(1).Select(r =>
            new AblationRow($"+ round {r.Round}", $"the champion after round {r.Round - 1} teaches the round", Scored(s => s.Version == r.Candidate, $"round {r.Round} candidate"))));
        return rows;
    }
}
