using SelfTrain.Client;
using Spectre.Console;

namespace SelfTrain.Cli;

/// <summary>How a round ended, for the terminal: the decision, the figures it rests on, and every reason and hint.</summary>
public static class RoundReport
{
    /// <returns>The exit code: 0 promoted, 3 champion kept, 1 failed or terminated.</returns>
    public static int Write(IAnsiConsole console, RoundView round)
    {
        if (round.Completed is not { } result)
        {
            console.MarkupLineInterpolated($"[red]round {round.Id} {round.Status.ToLowerInvariant()}[/]; the champion keeps serving");
            Lines(console, "reasons", round.Reasons ?? []); // a host from before reasons sends none
            return SelfTrainCli.Failed;
        }
        console.MarkupLine(result.Promoted
            ? $"[bold green]promoted[/] {Markup.Escape(result.Champion)} (teacher {Markup.Escape(result.Teacher)})"
            : $"[bold yellow]champion kept[/]: {Markup.Escape(result.Teacher)} still serves; candidate {Markup.Escape(result.Candidate ?? "none")} was not promoted");
        if (result.Validation is { Candidate: { } candidate } validation)
        {
            var decision = validation.Decision;
            console.MarkupLineInterpolated(
                $"gold/validation ({candidate.Images} images): candidate {candidate.Accuracy:P2} ({candidate.AccuracyLow95:P1}–{candidate.AccuracyHigh95:P1}), champion {validation.Champion.Accuracy:P2}; gain {decision.AccuracyGain * 100:+0.00;-0.00} points, McNemar p = {decision.PValue:G3}");
        }
        if (result.Pool is { } pool)
            console.MarkupLineInterpolated(
                $"pool: {pool.Accepted} pseudo-labels accepted, {pool.BelowThreshold} below thresholds, {pool.Unusable} unusable, {pool.Relabelled} relabelled by the teacher; {result.GoldImages} gold images");
        if (result.View is { } view && result.Pool?.View is { } kept)
            console.MarkupLineInterpolated(
                $"embedding view ({view.Model}): {kept.NearDuplicates} near-duplicates of held-out gold and {kept.Outliers} outliers kept out of training; {kept.NotEmbedded} not embedded");
        Lines(console, "reasons", result.Reasons);
        Lines(console, "hints", result.Hints);
        return result.Promoted ? 0 : SelfTrainCli.ChampionKept;
    }

    private static void Lines(IAnsiConsole console, string title, IReadOnlyList<string> lines)
    {
        if (lines.Count == 0) return;
        console.MarkupLineInterpolated($"{title}:");
        foreach (var line in lines) console.MarkupLineInterpolated($"  - {line}");
    }
}
