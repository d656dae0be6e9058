using System.ComponentModel.DataAnnotations;
using Microsoft.ML.OnnxRuntime;

namespace SelfTrain.Inference;

/// <summary>ONNX Runtime settings, bound from the "Inference" configuration section.</summary>
public sealed record InferenceOptions
{
    public const string Section = "Inference";

    /// <summary>Threads one inference may use; 0 lets ONNX Runtime choose (one per core).</summary>
    [Range(0, 256)]
    public int IntraOpThreads { get; init; }

    public GraphOptimizationLevel GraphOptimization { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>Largest batch one run carries; a model with a fixed batch of 1 always runs one image at a time.</summary>
    [Range(1, 4096)]
    public int MaxBatchSize { get; init; } = 64;

    internal SessionOptions ToSessionOptions()
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimization };
        if (IntraOpThreads > 0) options.IntraOpNumThreads = IntraOpThreads;
        return options;
    }
}
