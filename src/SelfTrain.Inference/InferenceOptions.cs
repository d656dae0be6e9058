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

    /// <summary>
    /// Whether ONNX Runtime's threads spin after a run, waiting for the next (its own default). Off here: spinning
    /// burns the cores that downloads and table writes need while labelling. Measured in turns on 2 cores
    /// (<c>bench.sh labeling --spinning</c>): end to end 362–376 images/s without it against 325–334 with it. Predict
    /// (<c>bench.sh predict</c>, model A, 4 clients) kept its p50 (7.9–8.1 ms without, 8.3–8.5 ms with) but served
    /// 235–253 instead of 264–270 requests/s: an instance that only serves predictions may turn it on.
    /// </summary>
    public bool AllowSpinning { get; init; }

    /// <summary>Largest batch one run carries; a model with a fixed batch of 1 always runs one image at a time.</summary>
    [Range(1, 4096)]
    public int MaxBatchSize { get; init; } = 64;

    /// <summary>The ONNX Runtime session options these settings describe; the caller disposes them.</summary>
    public SessionOptions ToSessionOptions()
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimization };
        if (IntraOpThreads > 0) options.IntraOpNumThreads = IntraOpThreads;
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", AllowSpinning ? "1" : "0");
        return options;
    }
}
