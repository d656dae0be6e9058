using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using SelfTrain.Reporting;
using SelfTrain.Workflow.Round;
using SelfTrain.Workflow.Round.Report;

namespace SelfTrain.Api;

/// <summary>
/// Renders <see cref="DashboardData"/> as one HTML page: no script, no external resource, every value HTML-encoded.
/// It refreshes itself every <see cref="RefreshSeconds"/> seconds and reads on a phone as on a laptop.
/// </summary>
public static class DashboardPage
{
    public const int RefreshSeconds = 30;

    // Encodes markup characters only, so names and arrows in any script read as written in the page source too.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);
    private static readonly string[] PhaseColors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

    private const string Style = """
        :root { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1b1f24; background: #f5f6f8; }
        body { margin: 0; }
        header { background: #1b1f24; color: #fff; padding: .8rem 1.2rem; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; align-items: baseline; }
        header h1 { font-size: 1.25rem; margin: 0; }
        header span { color: #c9d1d9; font-size: .85rem; }
        main { max-width: 1200px; margin: 0 auto; padding: 1rem; display: grid; gap: 1rem; }
        section { background: #fff; border-radius: 8px; padding: 1rem 1.2rem; box-shadow: 0 1px 2px rgba(0,0,0,.08); min-width: 0; }
        h2 { font-size: 1.05rem; margin: 0 0 .6rem; }
        h2, p, td, li { overflow-wrap: anywhere; }
        h2.sub { margin-top: 1rem; }
        .cols { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); }
        .big { font-size: 1.6rem; font-weight: 650; word-break: break-all; }
        .muted { color: #57606a; font-size: .85rem; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-size: .85rem; }
        th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
        th { color: #57606a; font-weight: 600; white-space: nowrap; }
        td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
        .badge { display: inline-block; padding: .05rem .45rem; border-radius: 999px; font-size: .75rem; font-weight: 600; white-space: nowrap; }
        .promoted, .manual, .rollback { background: #dafbe1; color: #116329; }
        .rejected, .kept { background: #fff1e5; color: #953800; }
        .running { background: #ddf4ff; color: #0550ae; }
        .unreadable { background: #ffebe9; color: #a40e26; }
        .decision { font-size: 1.1rem; margin: .2rem 0 .8rem; }
        .plots { display: grid; gap: .8rem; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); }
        figure { margin: 0; }
        figure img { width: 100%; height: auto; border: 1px solid #e5e7eb; border-radius: 4px; }
        figcaption { font-size: .8rem; color: #57606a; }
        svg { display: block; }
        svg.timeline { width: 100%; max-width: 200px; height: 12px; }
        ul { margin: .2rem 0; padding-left: 1.1rem; }
        """;

    public static string Render(DashboardData data)
    {
        var page = new StringBuilder(64 * 1024);
        page.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append(CultureInfo.InvariantCulture, $"<meta http-equiv=\"refresh\" content=\"{RefreshSeconds}\">")
            .Append("<title>SelfTrain dashboard</title><style>").Append(Style).Append("</style></head><body>");
        page.Append("<header><h1>SelfTrain</h1>")
            .Append(CultureInfo.InvariantCulture, $"<span>as of {E(Time(data.Now))}, refreshed every {RefreshSeconds} s</span></header><main>");
        page.Append("<div class=\"cols\">");
        Champion(page, data);
        LabelSection(page, data);
        page.Append("</div>");
        Rounds(page, data);
        LatestRound(page, data);
        History(page, data);
        page.Append("</main></body></html>");
        return page.ToString();
    }

    private static void Champion(StringBuilder page, DashboardData data)
    {
        page.Append("<section aria-labelledby=\"champion\"><h2 id=\"champion\">Champion</h2>");
        if (data.Champion is not { } champion)
        {
            page.Append("<p class=\"big\" data-testid=\"champion-version\">none yet</p>")
                .Append("<p class=\"muted\">Register a model and promote it: <code>POST /api/models/{version}/promote</code>.</p></section>");
            return;
        }

        page.Append(CultureInfo.InvariantCulture, $"<p class=\"big\" data-testid=\"champion-version\">{E(champion.Version)}</p>")
            .Append(CultureInfo.InvariantCulture, $"<p>since {E(Time(champion.Since))}, {E(Ago(data.Now - champion.Since))}</p>")
            .Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">{E(champion.Reason)}</p>");
        if (champion.Previous is { } previous)
            page.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">replaced {E(previous)} (the rollback target)</p>");
        if (data.ServedHere != champion.Version)
            page.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">This instance still serves {E(data.ServedHere ?? "nothing")}; it follows the pointer within its poll interval.</p>");
        page.Append("</section>");
    }

    private static void LabelSection(StringBuilder page, DashboardData data)
    {
        page.Append("<section aria-labelledby=\"labels\"><h2 id=\"labels\">Labels</h2>");
        if (data.Census is { } census)
        {
            page.Append(CultureInfo.InvariantCulture, $"<p data-testid=\"label-census\"><strong>{census.Labelled:N0}</strong> images labelled, <strong>{census.Rejected:N0}</strong> quarantined</p>")
                .Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">the label table, counted at {E(Time(census.CountedAt))} in {census.Took.TotalSeconds:0.0} s (again at most once a minute)</p>")
                .Append("<div class=\"cols\">");
            Tally(page, "class", "labelled", census.LabelledByClass, "nothing labelled yet");
            Tally(page, "labelled by", "images", census.LabelledByModel, "nothing labelled yet");
            Tally(page, "quarantined because", "images", census.RejectedByReason, "nothing quarantined");
            page.Append("</div>");
        }
        else
        {
            page.Append("<p class=\"muted\" data-testid=\"label-census\">The label table is being counted; reload in a moment.</p>");
        }

        // This instance's stream: images per minute over the last minutes, the current one at the right.
        var labels = data.Labels;
        var peak = Math.Max(1, labels.LastMinutes.Max());
        var width = labels.LastMinutes.Count * 10;
        page.Append(CultureInfo.InvariantCulture, $"<h3>Label stream</h3><p><strong>{labels.Labelled:N0}</strong> labelled, <strong>{labels.Rejected:N0}</strong> quarantined by this instance since {E(Time(labels.Since))}</p>")
            .Append(CultureInfo.InvariantCulture, $"<svg role=\"img\" aria-label=\"images labelled per minute\" viewBox=\"0 0 {width} 40\" width=\"100%\" height=\"48\" preserveAspectRatio=\"none\">");
        for (var i = 0; i < labels.LastMinutes.Count; i++)
        {
            var height = 38.0 * labels.LastMinutes[i] / peak;
            page.Append(CultureInfo.InvariantCulture, $"<rect x=\"{i * 10 + 1}\" y=\"{40 - height:0.#}\" width=\"8\" height=\"{height:0.#}\" fill=\"#1f77b4\"><title>{labels.LastMinutes[i]:N0} images</title></rect>");
        }
        page.Append(CultureInfo.InvariantCulture, $"</svg><p class=\"muted\">images per minute, last {labels.LastMinutes.Count} minutes (peak {peak:N0}); the fleet's rates are the <code>selftrain.images.*</code> metrics in Application Insights.</p></section>");
    }

    /// <summary>A two-column table of counts, largest first.</summary>
    private static void Tally(StringBuilder page, string name, string unit, IReadOnlyDictionary<string, long> counts, string empty)
    {
        page.Append(CultureInfo.InvariantCulture, $"<div class=\"scroll\"><table><thead><tr><th>{E(name)}</th><th class=\"n\">{E(unit)}</th></tr></thead><tbody>");
        foreach (var (key, count) in counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal))
            page.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(key)}</td><td class=\"n\">{count:N0}</td></tr>");
        if (counts.Count == 0) page.Append(CultureInfo.InvariantCulture, $"<tr><td colspan=\"2\" class=\"muted\">{E(empty)}</td></tr>");
        page.Append("</tbody></table></div>");
    }

    private static void Rounds(StringBuilder page, DashboardData data)
    {
        page.Append("<section aria-labelledby=\"rounds\"><h2 id=\"rounds\">Rounds</h2><div class=\"scroll\"><table><thead><tr>")
            .Append("<th>round</th><th>when</th><th>decision</th><th>teacher → candidate</th><th class=\"n\">validation accuracy</th>")
            .Append("<th class=\"n\">McNemar p</th><th>phases</th></tr></thead><tbody>");
        foreach (var round in data.Running)
        {
            var progress = round.Progress is { } p
                ? $"round {p.Round}: {p.Phase}{(p.Total > 0 ? $" {p.Done}/{p.Total}" : "")}{(p.Detail is { } d ? $" — {d}" : "")}"
                : "starting";
            page.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(round.InstanceId)}</td><td>started {E(Time(round.Created))}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td><span class=\"badge running\">{E(round.Status.ToLowerInvariant())}</span></td><td colspan=\"4\">{E(progress)}</td></tr>");
        }
        foreach (var round in data.Finished)
        {
            if (round.Result is not { } result)
            {
                page.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(round.Id)}</td><td>{E(Time(round.Written))}</td><td><span class=\"badge unreadable\">unreadable report</span></td><td colspan=\"4\"></td></tr>");
                continue;
            }
            var validation = result.Validation;
            var accuracy = validation is null ? "" : $"{ReportText.Percent(validation.Champion.Accuracy)} → {(validation.Candidate is { } c ? ReportText.Percent(c.Accuracy) : "—")}";
            page.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(round.Id)}</td><td>{E(Time(result.Finished ?? round.Written))}</td><td>{Decision(result)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{E(RoundSummary.Teachers(result))} → {E(result.Candidate ?? "—")}</td><td class=\"n\">{E(accuracy)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{E(validation is null ? "" : validation.Decision.PValue.ToString("G3", CultureInfo.InvariantCulture))}</td><td>");
            Timeline(page, result.PhaseSeconds);
            page.Append("</td></tr>");
        }
        if (data.Running.Count + data.Finished.Count == 0)
            page.Append("<tr><td colspan=\"7\" class=\"muted\">No round yet: <code>POST /api/rounds</code> starts one.</td></tr>");
        page.Append("</tbody></table></div></section>");
    }

    private static void LatestRound(StringBuilder page, DashboardData data)
    {
        if (data.Finished.FirstOrDefault(r => r.Result is not null) is not { Result: { } result } latest) return;
        page.Append(CultureInfo.InvariantCulture, $"<section aria-labelledby=\"latest\"><h2 id=\"latest\">Latest round: {E(latest.Id)}</h2>")
            .Append(CultureInfo.InvariantCulture, $"<p class=\"decision\" data-testid=\"round-decision\">{E(RoundSummary.Headline(result))}</p>");
        if (result.Reasons.Count > 0)
        {
            page.Append("<ul>");
            foreach (var reason in result.Reasons) page.Append(CultureInfo.InvariantCulture, $"<li>{E(reason)}</li>");
            page.Append("</ul>");
        }
        if (result.Hints.Count > 0)
        {
            page.Append("<p class=\"muted\">To try next:</p><ul>");
            foreach (var hint in result.Hints) page.Append(CultureInfo.InvariantCulture, $"<li class=\"muted\">{E(hint)}</li>");
            page.Append("</ul>");
        }

        page.Append("<div class=\"plots\">");
        foreach (var plot in data.LatestPlots)
        {
            var caption = Path.GetFileNameWithoutExtension(plot.Name).Replace('-', ' ');
            page.Append(CultureInfo.InvariantCulture, $"<figure><img data-testid=\"plot\" alt=\"{E(caption)}\" src=\"data:image/png;base64,{Convert.ToBase64String(plot.Png)}\">")
                .Append(CultureInfo.InvariantCulture, $"<figcaption>{E(plot.Name)}</figcaption></figure>");
        }
        page.Append("</div>");
        PerClass(page, result);
        page.Append("</section>");
    }

    private static void PerClass(StringBuilder page, RoundResult result)
    {
        var lines = RoundSummary.PerClass(result);
        if (lines.Count == 0) return;
        page.Append("<h2 class=\"sub\">Per class</h2><div class=\"scroll\"><table><thead><tr><th>class</th><th class=\"n\">threshold</th><th class=\"n\">est. precision</th>")
            .Append("<th class=\"n\">coverage</th><th class=\"n\">pseudo-labels</th><th class=\"n\">teacher recall</th><th class=\"n\">candidate recall</th><th class=\"n\">change</th></tr></thead><tbody>");
        foreach (var l in lines)
        {
            page.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(l.Class)}</td><td class=\"n\">{E(l.Threshold)}</td><td class=\"n\">{E(l.EstimatedPrecision)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{E(l.Coverage)}</td><td class=\"n\">{E(l.PseudoLabels)}</td><td class=\"n\">{E(l.TeacherRecall)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{E(l.CandidateRecall)}</td><td class=\"n\">{E(l.Change)}</td></tr>");
        }
        page.Append("</tbody></table></div>");
    }

    private static void History(StringBuilder page, DashboardData data)
    {
        page.Append("<section aria-labelledby=\"history\"><h2 id=\"history\">Champion history</h2><div class=\"scroll\"><table><thead><tr>")
            .Append("<th>when</th><th>event</th><th>version</th><th>previous</th><th class=\"n\">validation accuracy</th><th class=\"n\">McNemar p</th><th>reasons</th></tr></thead><tbody>");
        foreach (var entry in data.History)
        {
            var kind = entry.Kind.ToString().ToLowerInvariant();
            string Metric(string key, Func<double, string> format) => entry.Metrics?.TryGetValue(key, out var value) == true ? format(value) : "";
            var accuracy = entry.Metrics?.ContainsKey("validationAccuracy") == true
                ? $"{Metric("championValidationAccuracy", v => ReportText.Percent(v))} → {Metric("validationAccuracy", v => ReportText.Percent(v))}" : "";
            page.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(Time(entry.At))}</td><td><span class=\"badge {E(kind)}\">{E(kind)}</span></td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{E(entry.Version)}</td><td>{E(entry.Previous ?? "")}</td><td class=\"n\">{E(accuracy)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{E(Metric("mcnemarP", p => p.ToString("G3", CultureInfo.InvariantCulture)))}</td><td>{E(string.Join("; ", entry.Reasons))}</td></tr>");
        }
        if (data.History.Count == 0) page.Append("<tr><td colspan=\"7\" class=\"muted\">No change recorded yet.</td></tr>");
        page.Append(CultureInfo.InvariantCulture, $"</tbody></table></div><p class=\"muted\">The last {DashboardHandler.HistoryShown} events; <code>GET /api/models</code> lists every version.</p></section>");
    }

    /// <summary>The phases as one stacked bar, each segment's width its share of the round's time.</summary>
    private static void Timeline(StringBuilder page, IReadOnlyDictionary<string, double> phases)
    {
        var total = phases.Values.Sum();
        if (total <= 0) return;
        page.Append(CultureInfo.InvariantCulture, $"<svg class=\"timeline\" role=\"img\" aria-label=\"phase timeline, {total:0} s in all\" viewBox=\"0 0 200 12\" preserveAspectRatio=\"none\">");
        double x = 0;
        var i = 0;
        foreach (var (phase, seconds) in phases)
        {
            var width = 200 * seconds / total;
            page.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:0.##}\" y=\"0\" width=\"{width:0.##}\" height=\"12\" fill=\"{PhaseColors[i++ % PhaseColors.Length]}\"><title>{E(phase)}: {seconds:0.0} s</title></rect>");
            x += width;
        }
        page.Append("</svg><span class=\"muted\">")
            .Append(E(string.Join(" · ", phases.Select(p => $"{p.Key} {p.Value.ToString("0", CultureInfo.InvariantCulture)} s"))))
            .Append("</span>");
    }

    private static string Decision(RoundResult result) => result.Promoted
        ? "<span class=\"badge promoted\">promoted</span>"
        : "<span class=\"badge kept\">champion kept</span>";

    private static string E(string value) => Html.Encode(value);

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Ago(TimeSpan span) => span.TotalMinutes < 1 ? "just now"
        : span.TotalHours < 1 ? $"{(int)span.TotalMinutes} min ago"
        : span.TotalDays < 1 ? $"{(int)span.TotalHours} h ago"
        : $"{(int)span.TotalDays} days ago";
}
