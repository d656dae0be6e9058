using Google.Protobuf;
using Onnx;
using SelfTrain.Core.Models;

namespace SelfTrain.Testing;

/// <summary>
/// A real, small ONNX network for tests: flatten → Gemm (seeded weights) → Softmax (or raw logits), over a
/// width × height image, gray or RGB. <see cref="Expected"/> computes the same function in plain C#, so tests can check
/// what ONNX Runtime returns against an independent calculation. With <c>embedding: true</c> the flattened input (the
/// layer before the classifier) is a second output, "embedding", as a student's penultimate layer is.
/// </summary>
public sealed class LinearTestModel
{
    public LinearTestModel(string version, int classes = 4, int width = 8, int height = 8, int seed = 1,
        bool fixedBatchOfOne = false, bool logits = false, float[]? weights = null, float[]? bias = null, string[]? classNames = null, int channels = 1,
        bool embedding = false)
    {
        Version = version;
        HasEmbedding = embedding;
        Width = width;
        Height = height;
        Channels = channels;
        Classes = classNames ?? Enumerable.Range(0, classes).Select(i => $"class-{i}").ToArray();
        var random = new Random(seed);
        Weights = weights ?? Enumerable.Range(0, channels * width * height * classes).Select(_ => (float)(random.NextDouble() * 2 - 1) * 0.5f).ToArray();
        Bias = bias ?? (weights is null ? Enumerable.Range(0, classes).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray() : new float[classes]);
        FixedBatchOfOne = fixedBatchOfOne;
        Logits = logits;
        Onnx = Build();
    }

    /// <summary>
    /// A weak but real classifier of gray (or, with 3 <paramref name="channels"/>, RGB planar) images: nearest
    /// class-mean image, as one linear layer. Squared distance
    /// ‖x − μc‖² = ‖x‖² − 2 x·μc + ‖μc‖², so the nearest mean maximises x·μc − ‖μc‖² / 2: weights μc, bias −‖μc‖² / 2,
    /// both times <paramref name="sharpness"/> (pixels scaled to 0–1, as the manifest says).
    /// </summary>
    public static LinearTestModel Centroids(string version, IReadOnlyList<byte[]> images, IReadOnlyList<int> labels, string[] classNames,
        int width, int height, float sharpness = 0.5f, int channels = 1, bool embedding = false)
    {
        var (features, classes) = (channels * width * height, classNames.Length);
        var means = new double[classes, features];
        var counts = new int[classes];
        for (var i = 0; i < images.Count; i++)
        {
            counts[labels[i]]++;
            for (var f = 0; f < features; f++) means[labels[i], f] += images[i][f] / 255.0;
        }
        var weights = new float[features * classes];
        var bias = new float[classes];
        for (var c = 0; c < classes; c++)
        {
            double norm = 0;
            for (var f = 0; f < features; f++)
            {
                var mean = means[c, f] / Math.Max(1, counts[c]);
                weights[f * classes + c] = (float)(mean * sharpness);
                norm += mean * mean;
            }
            bias[c] = (float)(-norm / 2 * sharpness);
        }
        return new LinearTestModel(version, classes, width, height, weights: weights, bias: bias, classNames: classNames, channels: channels, embedding: embedding);
    }

    public string Version { get; }
    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }
    public string[] Classes { get; }
    public float[] Weights { get; }   // [features, classes], row-major
    public float[] Bias { get; }
    public bool FixedBatchOfOne { get; }
    public bool Logits { get; }
    public bool HasEmbedding { get; }
    public int EmbeddingDimensions => Channels * Width * Height;
    public byte[] Onnx { get; }

    public ModelManifest Manifest => new()
    {
        Version = Version,
        Classes = Classes,
        Input = new ModelInput { TensorName = "pixels", Width = Width, Height = Height, ColorOrder = Channels == 3 ? ColorOrder.Rgb : ColorOrder.Gray },
        Output = new ModelOutput { TensorName = Logits ? "logits" : "probabilities", Kind = Logits ? OutputKind.Logits : OutputKind.Probabilities },
        Embedding = HasEmbedding ? new ModelEmbedding { TensorName = "embedding", Dimensions = EmbeddingDimensions } : null,
        CreatedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
    };

    /// <summary>Softmax(x·W + b) for one preprocessed sample (values already scaled as the manifest says).</summary>
    public float[] Expected(ReadOnlySpan<float> sample)
    {
        var classes = Classes.Length;
        var scores = new double[classes];
        for (var c = 0; c < classes; c++)
        {
            double sum = Bias[c];
            for (var f = 0; f < sample.Length; f++) sum += sample[f] * Weights[f * classes + c];
            scores[c] = sum;
        }
        var max = scores.Max();
        var exp = scores.Select(s => Math.Exp(s - max)).ToArray();
        return exp.Select(e => (float)(e / exp.Sum())).ToArray();
    }

    private byte[] Build()
    {
        var features = Channels * Width * Height;
        var classes = Classes.Length;
        var graph = new GraphProto { Name = "linear" };
        graph.Input.Add(Value("pixels", FixedBatchOfOne ? null : "batch", 1, Channels, Height, Width));
        graph.Output.Add(Value(Logits ? "logits" : "probabilities", FixedBatchOfOne ? null : "batch", 1, classes));
        graph.Initializer.Add(Tensor("W", Weights, features, classes));
        graph.Initializer.Add(Tensor("B", Bias, classes));
        graph.Node.Add(Node("Flatten", ["pixels"], ["flat"], new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 }));
        graph.Node.Add(Node("Gemm", ["flat", "W", "B"], [Logits ? "logits" : "scores"]));
        if (HasEmbedding)
        {
            graph.Output.Add(Value("embedding", FixedBatchOfOne ? null : "batch", 1, features));
            graph.Node.Add(Node("Identity", ["flat"], ["embedding"]));
        }
        if (!Logits)
            graph.Node.Add(Node("Softmax", ["scores"], ["probabilities"], new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 }));

        var model = new ModelProto { IrVersion = 8, ProducerName = "SelfTrain.Testing", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model.ToByteArray();
    }

    private static NodeProto Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = op };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static TensorProto Tensor(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        return tensor;
    }

    /// <summary>A float tensor value whose first dimension is <paramref name="batch"/> (symbolic) or 1.</summary>
    private static ValueInfoProto Value(string name, string? batch, long fixedFirst, params long[] rest)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(batch is null ? new TensorShapeProto.Types.Dimension { DimValue = fixedFirst } : new TensorShapeProto.Types.Dimension { DimParam = batch });
        foreach (var d in rest) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
