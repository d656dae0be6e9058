using Microsoft.ML.OnnxRuntime;
using SelfTrain.Core.Labels;
using SelfTrain.Core.Models;

namespace SelfTrain.Inference;

/// <summary>
/// One model version loaded into one ONNX Runtime session, shared by all callers (a session runs concurrently).
/// Loading checks the manifest against the graph's own input and output metadata.
/// </summary>
public sealed class OnnxClassifier : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private volatile bool _disposed;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    private OnnxClassifier(InferenceSession session, ModelManifest manifest, int maxBatchSize)
    {
        _session = session;
        Manifest = manifest;
        MaxBatchSize = maxBatchSize;
        _inputNames = [manifest.Input.TensorName];
        _outputNames = [manifest.Output.TensorName];
    }

    public ModelManifest Manifest { get; }

    /// <summary>1 for a model whose graph fixes the batch dimension at 1.</summary>
    public int MaxBatchSize { get; }

    public int SampleLength => ImagePreprocessor.SampleLength(Manifest.Input);

    /// <exception cref="InvalidDataException">The manifest and the ONNX graph disagree; the message names both sides.</exception>
    public static OnnxClassifier Load(byte[] onnx, ModelManifest manifest, InferenceOptions options)
    {
        manifest.EnsureValid();
        using var sessionOptions = options.ToSessionOptions();
        InferenceSession session;
        try
        {
            session = new InferenceSession(onnx, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidDataException($"Model '{manifest.Version}': ONNX Runtime cannot load the graph: {ex.Message}", ex);
        }
        try
        {
            var batch = CheckAgainstGraph(session, manifest);
            return new OnnxClassifier(session, manifest, batch == 1 ? 1 : Math.Max(1, options.MaxBatchSize));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Returns the graph's batch dimension (-1 when dynamic).</summary>
    private static int CheckAgainstGraph(InferenceSession session, ModelManifest manifest)
    {
        var model = $"Model '{manifest.Version}'";
        var input = manifest.Input;
        if (!session.InputMetadata.TryGetValue(input.TensorName, out var inputMeta))
            throw new InvalidDataException($"{model}: the manifest's input '{input.TensorName}' is not in the graph, whose inputs are [{string.Join(", ", session.InputMetadata.Keys)}].");
        if (inputMeta.ElementType != typeof(float))
            throw new InvalidDataException($"{model}: the manifest feeds float32 to '{input.TensorName}', but the graph expects {inputMeta.ElementType.Name}.");

        var dims = inputMeta.Dimensions;
        int[] expected = [-1, input.Channels, input.Height, input.Width];
        if (dims.Length != 4 || dims[0] is not (-1 or 1) || Enumerable.Range(1, 3).Any(i => dims[i] != -1 && dims[i] != expected[i]))
            throw new InvalidDataException($"{model}: the manifest describes input '{input.TensorName}' as [batch, {input.Channels}, {input.Height}, {input.Width}] (NCHW), but the graph has [{string.Join(", ", dims)}].");

        var output = manifest.Output;
        if (!session.OutputMetadata.TryGetValue(output.TensorName, out var outputMeta))
            throw new InvalidDataException($"{model}: the manifest's output '{output.TensorName}' is not in the graph, whose outputs are [{string.Join(", ", session.OutputMetadata.Keys)}].");
        var classes = outputMeta.Dimensions.Length == 0 ? -1 : outputMeta.Dimensions[^1];
        if (outputMeta.ElementType != typeof(float) || outputMeta.Dimensions.Length != 2 || (classes != -1 && classes != manifest.Classes.Count))
            throw new InvalidDataException($"{model}: the manifest names {manifest.Classes.Count} classes, but output '{output.TensorName}' is {outputMeta.ElementType.Name}[{string.Join(", ", outputMeta.Dimensions)}].");
        return dims[0];
    }

    /// <summary>Runs <paramref name="count"/> preprocessed samples laid end to end in <paramref name="batch"/>.</summary>
    public Prediction[] Classify(float[] batch, int count)
    {
        // A disposed native session would crash the process, not throw: callers hold a ModelLease to prevent that.
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (count < 1 || batch.Length < (long)count * SampleLength)
            throw new ArgumentException($"{count} samples need {(long)count * SampleLength} floats; got {batch.Length}.", nameof(batch));

        var predictions = new Prediction[count];
        var classes = Manifest.Classes.Count;
        var input = Manifest.Input;
        for (var start = 0; start < count; start += MaxBatchSize)
        {
            var n = Math.Min(MaxBatchSize, count - start);
            var memory = new Memory<float>(batch, start * SampleLength, n * SampleLength);
            using var tensor = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, memory,
                [n, input.Channels, input.Height, input.Width]);
            using var outputs = _session.Run(_runOptions, _inputNames, [tensor], _outputNames);
            var scores = outputs[0].GetTensorDataAsSpan<float>();
            for (var i = 0; i < n; i++)
            {
                var probabilities = scores.Slice(i * classes, classes).ToArray();
                if (Manifest.Output.Kind == OutputKind.Logits) Softmax.Apply(probabilities);
                predictions[start + i] = Prediction.FromProbabilities(probabilities, Manifest.Classes);
            }
        }
        return predictions;
    }

    public void Dispose()
    {
        _disposed = true;
        _session.Dispose();
        _runOptions.Dispose();
    }
}
