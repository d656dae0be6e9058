using TorchSharp;

namespace SelfTrain.Trainer;

/// <summary>Picks where training runs at run time, so one build serves the GPU container and a CPU-only machine.</summary>
public static class ComputeDevice
{
    /// <param name="requested">"auto" (CUDA when present), "cpu" or "cuda".</param>
    public static torch.Device Select(string requested = "auto") => requested.ToLowerInvariant() switch
    {
        "auto" => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
        "cpu" => torch.CPU,
        "cuda" when torch.cuda.is_available() => torch.CUDA,
        "cuda" => throw new InvalidOperationException("CUDA was requested but no CUDA device or CUDA build of libtorch is available."),
        _ => throw new ArgumentException($"Unknown device '{requested}': use auto, cpu or cuda.", nameof(requested)),
    };
}
