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
    private readonly string[]? _embeddingNames;

    private OnnxClassifier(InferenceSession session, ModelManifest manifest, int maxBatchSize)
    {
        _session = session;
        Manifest = manifest;
        MaxBatchSize = maxBatchSize;
        _inputNames = [manifest.Input.TensorName];
        _outputNames = [manifest.Output.TensorName];
        _embeddingNames = manifest.Embedding is { } embedding ? [embedding.TensorName] : null;
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

        if (manifest.Embedding is { } embedding)
        {
            if (!session.OutputMetadata.TryGetValue(embedding.TensorName, out var embeddingMeta))
                throw new InvalidDataException($"{model}: the manifest's embedding '{embedding.TensorName}' is not in the graph, whose outputs are [{string.Join(", ", session.OutputMetadata.Keys)}].");
            var length = embeddingMeta.Dimensions.Length == 0 ? -1 : embeddingMeta.Dimensions[^1];
            if (embeddingMeta.ElementType != typeof(float) || embeddingMeta.Dimensions.Length != 2 || (length != -1 && length != embedding.Dimensions))
                throw new InvalidDataException($"{model}: the manifest's embedding has {embedding.Dimensions} dimensions, but output '{embedding.TensorName}' is {embeddingMeta.ElementType.Name}[{string.Join(", ", embeddingMeta.Dimensions)}].");
        }
        return dims[0];
    }

    /// <summary>Runs <paramref name="count"/> preprocessed samples laid end to end in <paramref name="batch"/>.</summary>
    public Prediction[] Classify(float[] batch, int count)
    {
        CheckBatch(batch, count);
        var predictions = new Prediction[count];
        var classes = Manifest.Classes.Count;
        Run(batch, count, _outputNames, (start, n, scores) =>
        {
            for (var i = 0; i < n; i++)
            {
                var probabilities = scores.Slice(i * classes, classes).ToArray();
                if (Manifest.Output.Kind == OutputKind.Logits) Softmax.Apply(probabilities);
                predictions[start + i] = Prediction.FromProbabilities(probabilities, Manifest.Classes);
            }
        });
        return predictions;
    }

    /// <summary>The embedding of each of <paramref name="count"/> preprocessed samples, as the graph computes it.</summary>
    /// <exception cref="InvalidOperationException">The model has no embedding output.</exception>
    public float[][] Embed(float[] batch, int count)
    {
        var names = _embeddingNames ?? throw new InvalidOperationException($"Model '{Manifest.Version}' has no embedding output.");
        CheckBatch(batch, count);
        var dimensions = Manifest.Embedding!.Dimensions;
        var embeddings = new float[count][];
        Run(batch, count, names, (start, n, values) =>
        {
            for (var i = 0; i < n; i++) embeddings[start + i] = values.Slice(i * dimensions, dimensions).ToArray();
        });
        return embeddings;
    }

    private void CheckBatch(float[] batch, int count)
    {
        if (count < 1 || batch.Length < (long)count * SampleLength)
            throw new ArgumentException($"{count} samples need {(long)count * SampleLength} floats; got {batch.Length}.", nameof(batch));
    }

    private delegate void OutputReader(int start, int count, ReadOnlySpan<float> values);

    /// <summary>Runs the samples in chunks of <see cref="MaxBatchSize"/>, handing each chunk's one output to <paramref name="read"/>.</summary>
    private void Run(float[] batch, int count, string[] outputNames, OutputReader read)
    {
        // A disposed native session would crash the process, not throw: callers hold a ModelLease to prevent that.
        ObjectDisposedException.ThrowIf(_disposed, this);
        var input = Manifest.Input;
        for (var start = 0; start < count; start += MaxBatchSize)
        {
            var n = Math.Min(MaxBatchSize, count - start);
            var memory = new Memory<float>(batch, start * SampleLength, n * SampleLength);
            using var tensor = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, memory,
                [n, input.Channels, input.Height, input.Width]);
            using var outputs = _session.Run(_runOptions, _inputNames, [tensor], outputNames);
            read(start, n, outputs[0].GetTensorDataAsSpan<float>());
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _session.Dispose();
        _runOptions.Dispose();
    }
}
