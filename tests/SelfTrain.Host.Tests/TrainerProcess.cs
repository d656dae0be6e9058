using System.Diagnostics;

namespace SelfTrain.Host.Tests;

/// <summary>The real training worker (<c>SelfTrain.Trainer work</c>) as its own process on the test's storage layout.</summary>
internal sealed class TrainerProcess(string storagePrefix)
    : ChildProcess(new ProcessStartInfo(Executable, ["work", "--device", "cpu", "--threads", "1"]), storagePrefix)
{
    private static readonly string Executable = BuildOutput("TrainerExecutable");
}
