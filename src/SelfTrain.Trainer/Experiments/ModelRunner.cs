using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SelfTrain.Core.Data;
using SelfTrain.Core.Models;

namespace SelfTrain.Trainer.Experiments;

/// <summary>Runs a stored model (ONNX + manifest) over labelled images with ONNX Runtime, preprocessing per the manifest.</summary>
public sealed class ModelRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly ModelManifest _manifest;
    private readonly ManifestPreprocessor _preprocessor;

    public ModelRunner(byte[] onnx, ModelManifest manifest, int threads)
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        _session = new InferenceSession(onnx, options);
        _manifest = manifest;
        _preprocessor = new ManifestPreprocessor(manifest.Input);
    }

    public static ModelRunner Load(string directory, int threads) => new(
        File.ReadAllBytes(Path.Combine(directory, "model.onnx")),
        ModelManifestJson.Deserialize(File.ReadAllText(Path.Combine(directory, "manifest.json")), Path.Combine(directory, "manifest.json")),
        threads);

    public ModelManifest Manifest => _manifest;

    /// <summary>Class probabilities for every image.</summary>
    public float[][] Predict(LabelledImages images, int batchSize = 64, Action<int>? progress = null)
    {
        var input = _manifest.Input;
        var values = _preprocessor.Values;
        var result = new float[images.Count][];
        for (var start = 0; start < images.Count; start += batchSize)
        {
            var count = Math.Min(batchSize, images.Count - start);
            var buffer = new float[count * values];
            Parallel.For(0, count, i => _preprocessor.Write(images, start + i, buffer.AsSpan(i * values, values)));
            var tensor = new DenseTensor<float>(buffer, [count, input.Channels, input.Height, input.Width]);
            using var outputs = _session.Run([NamedOnnxValue.CreateFromTensor(input.TensorName, tensor)]);
            var flat = outputs.Single(o => o.Name == _manifest.Output.TensorName).AsEnumerable<float>().ToArray();
            var classes = flat.Length / count;
            for (var i = 0; i < count; i++)
            {
                var row = flat.AsSpan(i * classes, classes).ToArray();
                result[start + i] = _manifest.Output.Kind == OutputKind.Logits ? Softmax(row) : row;
            }
            progress?.Invoke(start + count);
        }
        return result;
    }

    public static double Accuracy(IReadOnlyList<float[]> probabilities, IReadOnlyList<byte> labels) =>
        Enumerable.Range(0, probabilities.Count).Count(i => Array.IndexOf(probabilities[i], probabilities[i].Max()) == labels[i]) / (double)probabilities.Count;

    private static float[] Softmax(float[] logits)
    {
        var max = logits.Max();
        var exp = logits.Select(l => MathF.Exp(l - max)).ToArray();
        var sum = exp.Sum();
        return [.. exp.Select(e => e / sum)];
    }

    public void Dispose() => _session.Dispose();
}
