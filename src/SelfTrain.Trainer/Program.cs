using SelfTrain.Trainer;
using TorchSharp;

// Reports the libtorch build and the device training would use ("auto", "cpu" or "cuda").
var device = ComputeDevice.Select(args.FirstOrDefault() ?? "auto");
Console.WriteLine($"SelfTrain.Trainer: libtorch {torch.__version__}, training device {device.type}.");
return 0;
