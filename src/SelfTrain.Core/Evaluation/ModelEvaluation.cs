namespace SelfTrain.Core.Evaluation;

/// <summary>One model's predictions on a labelled set, as the gate and the reports read them.</summary>
public sealed record ModelEvaluation
{
    public required string Model { get; init; }
    public required int Images { get; init; }
    public required double Accuracy { get; init; }
    public required double AccuracyLow95 { get; init; }
    public required double AccuracyHigh95 { get; init; }
    public required double MacroF1 { get; init; }
    public required double ExpectedCalibrationError { get; init; }
    public required IReadOnlyList<double> Precision { get; init; }
    public required IReadOnlyList<double> Recall { get; init; }
    public required long[][] Confusion { get; init; }
    public required IReadOnlyList<ReliabilityBin> Reliability { get; init; }

    public static ModelEvaluation Of(string model, IReadOnlyList<int> truth, IReadOnlyList<int> predicted, IReadOnlyList<double> confidence, int classes)
    {
        if (confidence.Count != predicted.Count) throw new ArgumentException("Each prediction needs its confidence.");
        var matrix = ConfusionMatrix.From(truth, predicted, classes);
        var correct = truth.Select((t, i) => t == predicted[i]).ToArray();
        var (low, high) = new Proportion(correct.Count(c => c), truth.Count).WilsonInterval();
        return new ModelEvaluation
        {
            Model = model,
            Images = truth.Count,
            Accuracy = matrix.Accuracy,
            AccuracyLow95 = low,
            AccuracyHigh95 = high,
            MacroF1 = matrix.MacroF1,
            ExpectedCalibrationError = Calibration.ExpectedError(confidence, correct),
            Precision = Enumerable.Range(0, classes).Select(matrix.Precision).ToArray(),
            Recall = Enumerable.Range(0, classes).Select(matrix.Recall).ToArray(),
            Confusion = matrix.ToArray(),
            Reliability = Calibration.Reliability(confidence, correct),
        };
    }
}
