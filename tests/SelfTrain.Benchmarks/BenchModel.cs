using Microsoft.ML.OnnxRuntime;
using SelfTrain.Core.Data;
using SelfTrain.Core.Models;
using SelfTrain.Inference;

namespace SelfTrain.Benchmarks;

/// <summary>A model directory (model.onnx + manifest.json) and the Fashion-MNIST images the benchmarks feed it.</summary>
internal sealed class BenchModel
{
    private BenchModel(string directory, byte[] onnx, ModelManifest manifest)
    {
        Directory = directory;
        Onnx = onnx;
        Manifest = manifest;
    }

    public string Directory { get; }
    public byte[] Onnx { get; }
    public ModelManifest Manifest { get; }

    public static BenchModel Load(string directory) => new(directory,
        File.ReadAllBytes(Path.Combine(directory, "model.onnx")),
        ModelManifestJson.Deserialize(File.ReadAllText(Path.Combine(directory, "manifest.json")), Path.Combine(directory, "manifest.json")));

    /// <summary>The first <paramref name="count"/> Fashion-MNIST test images, as PNG files.</summary>
    public static byte[][] Pngs(int count)
    {
        var test = FashionMnist.LoadTest();
        return Enumerable.Range(0, Math.Min(count, test.Count)).Select(i => PngEncoder.EncodeGray(test.Image(i), test.Width, test.Height)).ToArray();
    }

    /// <summary>The images decoded and preprocessed exactly as the engine does it, end to end in one tensor.</summary>
    public float[] Preprocess(IReadOnlyList<byte[]> pngs)
    {
        var length = ImagePreprocessor.SampleLength(Manifest.Input);
        var tensor = new float[pngs.Count * length];
        for (var i = 0; i < pngs.Count; i++)
        {
            using var bitmap = ImageDecoder.Decode(pngs[i], ImageLimits.Default);
            ImagePreprocessor.Write(bitmap, Manifest.Input, tensor.AsSpan(i * length, length));
        }
        return tensor;
    }

    /// <summary>ONNX Runtime on its own: the same session options the engine uses, nothing around it.</summary>
    public InferenceSession RawSession(InferenceOptions options)
    {
        using var sessionOptions = options.ToSessionOptions();
        return new InferenceSession(Onnx, sessionOptions);
    }

    /// <summary>One raw run over <paramref name="count"/> samples starting at <paramref name="first"/>, fetching <paramref name="output"/> (default: the class output).</summary>
    public void RunRaw(InferenceSession session, RunOptions run, float[] tensor, int first, int count, string? output = null)
    {
        var input = Manifest.Input;
        var length = ImagePreprocessor.SampleLength(input);
        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
            new Memory<float>(tensor, first * length, count * length), [count, input.Channels, input.Height, input.Width]);
        using var outputs = session.Run(run, [input.TensorName], [value], [output ?? Manifest.Output.TensorName]);
    }
}
