namespace SelfTrain.Trainer.Students;

/// <summary>Builds the student a job names.</summary>
public static class StudentFactory
{
    public static IReadOnlyList<string> Architectures { get; } = [SmallCnn.Name, ResNetStudent.Name];

    /// <summary>The default for an input size: the small CNN up to 32 px, the ResNet above.</summary>
    public static string DefaultFor(int inputSize) => inputSize <= SmallCnn.MaxInputSize ? SmallCnn.Name : ResNetStudent.Name;

    public static StudentNetwork Create(string architecture, int channels, int inputSize, int classCount, double dropout) => architecture switch
    {
        SmallCnn.Name => new SmallCnn(channels, inputSize, classCount, dropout),
        ResNetStudent.Name => new ResNetStudent(channels, inputSize, classCount, dropout),
        _ => throw new ArgumentException($"Unknown student architecture '{architecture}'; known: {string.Join(", ", Architectures)}.", nameof(architecture)),
    };
}
