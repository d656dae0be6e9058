using SelfTrain.Core.Models;

namespace SelfTrain.Core.Training;

/// <summary>
/// The student a round trains when its request leaves the choice open: it sees what the teacher sees (the teacher's
/// channels, its input side up to <see cref="MaxInputSize"/>), and the network fits that input. On gray Fashion-MNIST
/// at 28 px the small CNN reaches about 87% in the default demo; on colour 32 px images it reached 17–60% where
/// <c>resnet8</c> reached 95%, so colour and anything above 32 px get the ResNet.
/// </summary>
public static class StudentDefaults
{
    /// <summary>
    /// Largest side picked without being asked: the CPU trainer's cost grows with the square of the side, and most
    /// students learn as well from a small copy of an image as the teacher does from a large one.
    /// </summary>
    public const int MaxInputSize = 64;

    /// <summary>The side a student takes when the teacher's input is <paramref name="teacher"/>.</summary>
    public static int InputSize(ModelInput teacher) => Math.Clamp(Math.Min(teacher.Width, teacher.Height), 8, MaxInputSize);

    /// <summary>The network for a square input of <paramref name="inputSize"/> px and <paramref name="channels"/> channels.</summary>
    public static string Architecture(int inputSize, int channels) =>
        channels == 1 && inputSize <= StudentArchitectures.SmallCnn.MaxInputSize ? StudentArchitectures.SmallCnn.Name : StudentArchitectures.ResNet8.Name;
}
