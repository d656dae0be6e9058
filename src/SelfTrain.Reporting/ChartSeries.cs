using ScottPlot;

namespace SelfTrain.Reporting;

/// <summary>One named series of a chart: a value per class (or per bin), drawn in one colour.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<double> Values, Color Color);
