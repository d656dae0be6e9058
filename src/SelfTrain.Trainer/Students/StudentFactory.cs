using SelfTrain.Core.Training;
using TorchSharp.Modules;

namespace SelfTrain.Trainer.Students;

/// <summary>Builds the student a job names.</summary>
public static class StudentFactory
{
    public static IReadOnlyList<string> Architectures { get; } = StudentArchitectures.All.Select(a => a.Name).ToArray();

    public static StudentNetwork Create(string architecture, int channels, int inputSize, int classCount, double dropout)
    {
        StudentNetwork student = architecture switch
        {
            SmallCnn.Name => new SmallCnn(channels, inputSize, classCount, dropout),
            ResNetStudent.Name => new ResNetStudent(channels, inputSize, classCount, dropout),
            _ => throw new ArgumentException($"Unknown student architecture '{architecture}'; known: {string.Join(", ", Architectures)}.", nameof(architecture)),
        };
        // BatchNorm's batch counter is only read when momentum is 0 (ours is 0.1), and TorchSharp 0.107 bumps it with
        // add_(1) through a temporary Scalar it does not keep alive across the native call: a GC at that moment let
        // libtorch read a freed scalar and abort ("Expected false to be true ... toLong") now and then. Without the
        // counter that call is never made; the running mean and variance are updated as before.
        foreach (var norm in student.modules().OfType<BatchNorm>()) norm.num_batches_tracked = null;
        return student;
    }
}
