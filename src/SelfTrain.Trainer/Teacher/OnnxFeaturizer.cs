using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SelfTrain.Core.Data;
using SelfTrain.Core.Models;
using SelfTrain.Inference;
using SelfTrain.Trainer.Evaluation;

namespace SelfTrain.Trainer.Teacher;

/// <summary>
/// Runs an image graph whose output is not a class vector (the ResNet18 backbone's features) over labelled images in
/// batches, preprocessing each image as the serving path does for the graph's input, so the head trained on
/// these features sees what it will see in service.
/// </summary>
public sealed class OnnxFeaturizer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly ModelInput _input;

    public OnnxFeaturizer(byte[] model, ModelInput input, int threads)
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        _session = new InferenceSession(model, options);
        _input = input;
    }

    /// <summary>The graph's output for every image (rows of equal width).</summary>
    public float[][] Run(LabelledImages images, int batchSize = 32)
    {
        var output = _session.OutputMetadata.Keys.Single();
        var length = ImagePreprocessor.SampleLength(_input);
        var result = new float[images.Count][];
        for (var start = 0; start < images.Count; start += batchSize)
        {
            var count = Math.Min(batchSize, images.Count - start);
            var batch = new float[count * length];
            DatasetClassifier.Preprocess(images, start, count, _input, batch);
            var tensor = new DenseTensor<float>(batch, [count, _input.Channels, _input.Height, _input.Width]);
            using var outputs = _session.Run([NamedOnnxValue.CreateFromTensor(_input.TensorName, tensor)]);
            var flat = outputs.Single(o => o.Name == output).AsEnumerable<float>().ToArray();
            var width = flat.Length / count;
            for (var i = 0; i < count; i++) result[start + i] = flat.AsSpan(i * width, width).ToArray();
        }
        return result;
    }

    public void Dispose() => _session.Dispose();
}
