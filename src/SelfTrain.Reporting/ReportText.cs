using System.Globalization;

namespace SelfTrain.Reporting;

/// <summary>How the reports write numbers and table cells, the same in the round's report, the demo's and the dashboard.</summary>
public static class ReportText
{
    /// <summary>A share as a percentage, e.g. 0.8698 → "87.0%".</summary>
    public static string Percent(double value, string format = "0.0") => (value * 100).ToString(format, CultureInfo.InvariantCulture) + "%";

    /// <summary>A difference of shares in percentage points, signed, e.g. 0.069 → "+6.9 pt".</summary>
    public static string Points(double difference) => (difference * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " pt";

    /// <summary>Text that stays inside one Markdown table cell or list item.</summary>
    public static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
