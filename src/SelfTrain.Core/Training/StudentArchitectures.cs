namespace SelfTrain.Core.Training;

/// <summary>One student network the trainer can build, and the input sizes it takes.</summary>
public sealed record StudentArchitecture(string Name, int MinInputSize, int MaxInputSize);

/// <summary>The students a job may name; the trainer builds exactly these, and requests are checked against them.</summary>
public static class StudentArchitectures
{
    public static readonly StudentArchitecture SmallCnn = new("small-cnn", 8, 32);
    public static readonly StudentArchitecture ResNet8 = new("resnet8", 8, 512);

    public static IReadOnlyList<StudentArchitecture> All { get; } = [SmallCnn, ResNet8];

    public static StudentArchitecture? Find(string? name) => All.FirstOrDefault(a => a.Name == name);

    /// <summary>Why <paramref name="name"/> cannot train at <paramref name="inputSize"/> px; null when it can.</summary>
    public static string? Problem(string? name, int inputSize) => Find(name) switch
    {
        null => $"architecture '{name}' is unknown (known: {string.Join(", ", All.Select(a => a.Name))})",
        var a when inputSize < a.MinInputSize || inputSize > a.MaxInputSize =>
            $"architecture '{a.Name}' takes inputs of {a.MinInputSize} to {a.MaxInputSize} px, not {inputSize}" +
            (Find(ResNet8.Name) is { } larger && a != larger && inputSize <= larger.MaxInputSize ? $" (use '{larger.Name}')" : ""),
        _ => null,
    };
}
