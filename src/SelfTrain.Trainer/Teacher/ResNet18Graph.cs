using Onnx;
using SelfTrain.Trainer.Export;
using static SelfTrain.Trainer.Export.OnnxGraphBuilder;

namespace SelfTrain.Trainer.Teacher;

/// <summary>
/// Assembles the transfer-learning teacher from the ImageNet ResNet18 shipped in Microsoft.ML.DnnImageFeaturizer.ResNet18
/// (opset 8, fixed input [1, 3, 224, 224]) into one graph with a dynamic batch and any input size:
/// RGB 0–255 → BGR minus the per-channel ImageNet mean (the package's preprocessing, reduced from a 224×224 mean
/// image to one value per channel so other sizes work) → backbone with its fixed 7×7 AveragePool replaced by a
/// GlobalAveragePool → features [batch, 512] → optionally Gemm head + Softmax → probabilities [batch, K]. The
/// teacher keeps "features" as a second output: its embedding, the ImageNet view of the image its head never changed.
/// </summary>
public static class ResNet18Graph
{
    public const string InputName = "image";
    public const string FeaturesName = "features";
    public const string OutputName = "probabilities";
    public const int FeatureCount = 512;

    /// <summary>Where the package's build props copy the models, beside the application.</summary>
    public static string DefaultModelsDirectory => Path.Combine(AppContext.BaseDirectory, "DnnImageModels");

    /// <summary>The BGR channel means of the package's mean image.</summary>
    public static float[] ChannelMeans(string modelsDirectory)
    {
        var prep = ModelProto.Parser.ParseFromFile(Path.Combine(modelsDirectory, "ResNetPrepOnnx", "ResNetPreprocess.onnx"));
        var mean = prep.Graph.Initializer.Single(t => t.Name == "MeanImage");
        var values = mean.FloatData.Count > 0 ? mean.FloatData.ToArray()
            : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(mean.RawData.Span).ToArray();
        var plane = values.Length / 3;
        return [.. Enumerable.Range(0, 3).Select(c => (float)values.Skip(c * plane).Take(plane).Average())];
    }

    /// <param name="head">Null for the featurizer (output "features"); else the head's weights [K, 512] row-major and biases [K].</param>
    public static ModelProto Build(string modelsDirectory, int inputSize, (float[] Weights, float[] Biases)? head = null)
    {
        // The backbone's asymmetric stride-2 padding keeps its residual branches the same shape only at multiples of 32.
        if (inputSize is < 32 or > 1024 || inputSize % 32 != 0)
            throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "The ResNet18 backbone takes a multiple of 32 px between 32 and 1024.");
        var backbone = ModelProto.Parser.ParseFromFile(Path.Combine(modelsDirectory, "ResNet18Onnx", "ResNet18.onnx"));
        var source = backbone.Graph;
        var backboneInput = source.Input.Single(i => source.Initializer.All(t => t.Name != i.Name)).Name;
        var backboneOutput = source.Output.Single().Name;

        var graph = new GraphProto { Name = head is null ? "resnet18-features" : "resnet18-teacher" };
        var b = new OnnxGraphBuilder(graph);
        foreach (var name in source.Node.SelectMany(n => n.Output).Concat(source.Initializer.Select(t => t.Name)).Append(backboneInput))
            b.UniqueName(name); // reserve the backbone's names
        b.UniqueName(InputName);
        graph.Input.Add(BatchedFloat(InputName, 3, inputSize, inputSize));

        // Preprocessing: RGB → BGR, minus the channel means.
        var split = new NodeProto { OpType = "Split", Name = b.UniqueName("split_rgb") };
        split.Input.Add(InputName);
        split.Output.AddRange([b.UniqueName("r"), b.UniqueName("g"), b.UniqueName("b")]);
        split.Attribute.Add(Int("axis", 1));
        graph.Node.Add(split);
        var bgr = b.AddNode("Concat", "to_bgr", [split.Output[2], split.Output[1], split.Output[0]], Int("axis", 1));
        var mean = b.AddInitializer("bgr_mean", ChannelMeans(modelsDirectory), 1, 3, 1, 1);
        var preprocessed = b.AddNode("Sub", "subtract_mean", [bgr, mean]);

        // Backbone, fed from the preprocessing; its fixed 7×7 average pool becomes global.
        foreach (var node in source.Node)
        {
            var copy = node.Clone();
            for (var i = 0; i < copy.Input.Count; i++)
                if (copy.Input[i] == backboneInput) copy.Input[i] = preprocessed;
            if (copy.OpType == "AveragePool" && copy.Output.Contains(backboneOutput))
            {
                copy.OpType = "GlobalAveragePool";
                copy.Attribute.Clear();
            }
            else if (copy.OpType is not ("Conv" or "BatchNormalization" or "Relu" or "MaxPool" or "Add"))
                throw new NotSupportedException($"Unexpected {copy.OpType} node '{copy.Name}' in the ResNet18 backbone.");
            graph.Node.Add(copy);
        }
        graph.Initializer.AddRange(source.Initializer);

        var features = new NodeProto { OpType = "Flatten", Name = b.UniqueName("flatten") };
        features.Input.Add(backboneOutput);
        features.Output.Add(b.UniqueName(FeaturesName));
        features.Attribute.Add(Int("axis", 1));
        graph.Node.Add(features);

        if (head is var (weights, biases))
        {
            var classes = biases.Length;
            if (weights.Length != classes * FeatureCount) throw new ArgumentException($"Head weights must be {classes}×{FeatureCount}.", nameof(head));
            var logits = b.AddNode("Gemm", "head", [features.Output[0], b.AddInitializer("head_weight", weights, classes, FeatureCount),
                b.AddInitializer("head_bias", biases, classes)], Int("transB", 1));
            var softmax = new NodeProto { OpType = "Softmax", Name = b.UniqueName("softmax") };
            softmax.Input.Add(logits);
            softmax.Output.Add(OutputName);
            softmax.Attribute.Add(Int("axis", 1));
            graph.Node.Add(softmax);
            graph.Output.Add(BatchedFloat(OutputName, classes));
        }
        graph.Output.Add(BatchedFloat(features.Output[0], FeatureCount));

        var model = new ModelProto { IrVersion = 4, ProducerName = "SelfTrain.Trainer", Graph = graph };
        model.OpsetImport.AddRange(backbone.OpsetImport); // the backbone's opset (8); every added op exists there
        return model;
    }
}
