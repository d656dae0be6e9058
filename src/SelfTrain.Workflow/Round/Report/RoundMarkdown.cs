using System.Globalization;
using System.Text;
using SelfTrain.Core.Evaluation;
using SelfTrain.Reporting;

namespace SelfTrain.Workflow.Round.Report;

/// <summary>Renders a finished round as <c>report.md</c>, linking the plots written beside it.</summary>
public static class RoundMarkdown
{
    public const string File = "report.md";

    public static string Render(string roundId, RoundResult result, IEnumerable<string> plots)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Round {ReportText.Cell(roundId)}").AppendLine();
        if (result.Finished is { } finished)
            md.AppendLine(CultureInfo.InvariantCulture, $"Finished {finished.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC; teacher `{RoundSummary.Teachers(result)}`, {result.GoldImages} gold training images, {result.TrainingAttempts} training attempt(s).").AppendLine();
        md.AppendLine(RoundSummary.Headline(result)).AppendLine();
        foreach (var reason in result.Reasons) md.AppendLine(CultureInfo.InvariantCulture, $"- {ReportText.Cell(reason)}");
        if (result.Hints.Count > 0)
        {
            md.AppendLine().AppendLine("To try next:").AppendLine();
            foreach (var hint in result.Hints) md.AppendLine(CultureInfo.InvariantCulture, $"- {ReportText.Cell(hint)}");
        }

        if (result.Validation is { } validation)
        {
            md.AppendLine().AppendLine("## On gold/validation").AppendLine();
            md.AppendLine("| model | accuracy (95% interval) | macro-F1 | ECE |").AppendLine("| --- | ---: | ---: | ---: |");
            foreach (var (role, model) in new[] { ("teacher", validation.Champion), ("candidate", validation.Candidate) })
                if (model is not null)
                    md.AppendLine(CultureInfo.InvariantCulture,
                        $"| {role} `{model.Model}` | {ReportText.Percent(model.Accuracy)} ({ReportText.Percent(model.AccuracyLow95)}–{ReportText.Percent(model.AccuracyHigh95)}) | {model.MacroF1:0.000} | {model.ExpectedCalibrationError:0.000} |");
        }

        var lines = RoundSummary.PerClass(result);
        if (lines.Count > 0)
        {
            md.AppendLine().AppendLine("## Per class").AppendLine();
            md.AppendLine("| class | threshold | est. precision | coverage | pseudo-labels | teacher recall | candidate recall | change |");
            md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var l in lines)
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {ReportText.Cell(l.Class)} | {l.Threshold} | {l.EstimatedPrecision} | {l.Coverage} | {l.PseudoLabels} | {l.TeacherRecall} | {l.CandidateRecall} | {l.Change} |");
        }

        if (result.View is { } view) AppendView(md, view, result.Pool?.View, result.Classes);
        if (result.Propagation is { } propagation) AppendPropagation(md, propagation, result);

        if (result.PhaseSeconds.Count > 0)
        {
            md.AppendLine().AppendLine("## Phases").AppendLine().AppendLine("| phase | seconds |").AppendLine("| --- | ---: |");
            foreach (var (phase, seconds) in result.PhaseSeconds) md.AppendLine(CultureInfo.InvariantCulture, $"| {phase} | {seconds:0.0} |");
        }

        md.AppendLine();
        foreach (var plot in plots) md.AppendLine(CultureInfo.InvariantCulture, $"![{Path.GetFileNameWithoutExtension(plot)}]({plot})").AppendLine();
        return md.ToString();
    }

    /// <summary>Label propagation: per class, the pseudo-labels the teacher alone would have given and those the shards took.</summary>
    private static void AppendPropagation(StringBuilder md, PropagationResult propagation, RoundResult result)
    {
        md.AppendLine().AppendLine("## Label propagation").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"A k-NN graph over {propagation.Images} images (gold/train, gold/validation and {propagation.PoolImages} pool images, {propagation.PoolSeeded} of them seeded by the teacher), built and diffused in {propagation.Seconds:0.0} s. On gold/validation the propagated scores are right for {ReportText.Percent(propagation.PropagatedValidationAccuracy)} of images, the teacher for {ReportText.Percent(propagation.TeacherValidationAccuracy)}.").AppendLine();
        md.AppendLine("| class | teacher threshold | teacher alone would accept | propagated threshold | est. precision | accepted with propagation |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var threshold in propagation.Thresholds)
        {
            var k = threshold.ClassIndex;
            var teacher = result.Thresholds.FirstOrDefault(t => t.ClassIndex == k);
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {ReportText.Cell(k < result.Classes.Count ? result.Classes[k] : $"class {k}")} | {Threshold(teacher?.Threshold)} | {Count(result.Pool?.TeacherPerClass, k)} | {Threshold(threshold.Threshold)} | {ReportText.Percent(threshold.EstimatedPrecision)} | {Count(result.Pool?.PerClass, k)} |");
        }

        static string Threshold(double? t) => t is not { } value ? "—" : value >= ConfidenceThresholds.Never ? "none reach the target" : value.ToString("0.000", CultureInfo.InvariantCulture);
        static string Count(IReadOnlyList<int>? counts, int k) => counts is not null && k < counts.Count ? counts[k].ToString(CultureInfo.InvariantCulture) : "—";
    }

    /// <summary>What the embedding view kept out of training, per class of the teacher's label.</summary>
    private static void AppendView(StringBuilder md, EmbeddingViewPlan view, ViewCounts? counts, IReadOnlyList<string> classes)
    {
        md.AppendLine().AppendLine("## Embedding view").AppendLine();
        var floor = view.OutlierSimilarity is { } similarity ? $"below cosine similarity {similarity:0.000} to every gold/train and gold/validation image" : "none (outliers kept)";
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Embeddings by `{ReportText.Cell(view.Model)}` ({view.Dimensions} dimensions) of {view.GoldImages} gold images ({view.GoldEmbedded} embedded this round). Near-duplicates: cosine similarity at least {view.NearDuplicateSimilarity:0.000} to a gold/validation or gold/test image. Outliers: {floor}.").AppendLine();
        if (counts is null) return;
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Kept out of training: {counts.NearDuplicates} near-duplicates, {counts.Outliers} outliers; {counts.NotEmbedded} pool images had no embedding and were judged by the teacher alone.").AppendLine();
        md.AppendLine("| class | near-duplicates | outliers |").AppendLine("| --- | ---: | ---: |");
        for (var k = 0; k < counts.NearDuplicatesPerClass.Count; k++)
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {ReportText.Cell(k < classes.Count ? classes[k] : $"class {k}")} | {counts.NearDuplicatesPerClass[k]} | {counts.OutliersPerClass[k]} |");
    }
}
