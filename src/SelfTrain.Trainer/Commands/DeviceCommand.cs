using System.CommandLine;
using TorchSharp;

namespace SelfTrain.Trainer.Commands;

/// <summary>`device [--device auto|cpu|cuda]`: which libtorch build and training device this machine gives.</summary>
public static class DeviceCommand
{
    public static Command Create()
    {
        var device = CommonOptions.Device();
        var command = new Command("device", "Shows the libtorch version and the device training would use.") { device };
        command.SetAction(parse =>
        {
            var selected = ComputeDevice.Select(parse.GetValue(device)!);
            Console.WriteLine($"SelfTrain.Trainer: libtorch {torch.__version__}, training device {selected.type}.");
            return 0;
        });
        return command;
    }
}
