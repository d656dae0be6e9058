namespace SelfTrain.Core.Training;

/// <summary>The training recipes a job can name.</summary>
public static class Recipes
{
    /// <summary>Soft teacher labels above per-class thresholds, balanced classes, gold in every batch, noise on the student.</summary>
    public const string NoisyStudent = "noisy-student";

    /// <summary>The teacher's argmax label for every pool image, no thresholds, no noise, no gold: the copying baseline.</summary>
    public const string Naive = "naive";

    /// <summary>Gold (true) labels only.</summary>
    public const string Supervised = "supervised";

    public static IReadOnlyList<string> All { get; } = [NoisyStudent, Naive, Supervised];
}
