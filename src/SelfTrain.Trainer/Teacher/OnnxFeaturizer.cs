using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SelfTrain.Core.Data;

namespace SelfTrain.Trainer.Teacher;

/// <summary>Runs an image model built by <see cref="ResNet18Graph"/> over labelled images in batches with ONNX Runtime.</summary>
public sealed class OnnxFeaturizer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _output;

    public OnnxFeaturizer(byte[] model, int inputSize, int threads)
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        _session = new InferenceSession(model, options);
        _output = _session.OutputMetadata.Keys.Single();
        InputSize = inputSize;
    }

    public int InputSize { get; }

    /// <summary>The model's output for every image (rows of equal width), resizing each to the input size as RGB.</summary>
    public float[][] Run(LabelledImages images, int batchSize = 32)
    {
        var size = InputSize;
        var values = 3 * size * size;
        var result = new float[images.Count][];
        for (var start = 0; start < images.Count; start += batchSize)
        {
            var count = Math.Min(batchSize, images.Count - start);
            var input = new float[count * values];
            Parallel.For(0, count, i => ImageResize.Bilinear(images.Image(start + i), images.Channels, images.Height, images.Width, size, 3,
                input.AsSpan(i * values, values)));
            using var outputs = _session.Run([NamedOnnxValue.CreateFromTensor(ResNet18Graph.InputName, new DenseTensor<float>(input, [count, 3, size, size]))]);
            var flat = outputs.Single(o => o.Name == _output).AsEnumerable<float>().ToArray();
            var width = flat.Length / count;
            for (var i = 0; i < count; i++) result[start + i] = flat.AsSpan(i * width, width).ToArray();
        }
        return result;
    }

    public void Dispose() => _session.Dispose();
}
