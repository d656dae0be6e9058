using ScottPlot;
using SelfTrain.Core.Evaluation;

namespace SelfTrain.Reporting;

/// <summary>One model's reliability curve and its expected calibration error.</summary>
public sealed record CalibrationSeries(string Name, IReadOnlyList<ReliabilityBin> Bins, double ExpectedCalibrationError, Color Color);
