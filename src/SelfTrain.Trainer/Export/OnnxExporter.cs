using Google.Protobuf;
using Onnx;
using SelfTrain.Trainer.Students;
using TorchSharp;
using TorchSharp.Modules;
using static SelfTrain.Trainer.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace SelfTrain.Trainer.Export;

/// <summary>
/// Writes a trained student as an ONNX model (opset 17): input "input" [batch, C, H, W] (normalized as the
/// manifest says), output "probabilities" [batch, K] = softmax of the logits, and output "embedding" [batch, D] = the
/// input of the final linear classifier; weights as initializers, BatchNorm as BatchNormalization in inference mode,
/// dropout omitted. Layers it does not know are an error naming them.
/// </summary>
public static class OnnxExporter
{
    public const string InputName = "input";
    public const string OutputName = "probabilities";
    public const string EmbeddingName = "embedding";
    public const int Opset = 17;

    public static byte[] Export(StudentNetwork student) => Build(student).ToByteArray();

    public static ModelProto Build(StudentNetwork student)
    {
        ArgumentNullException.ThrowIfNull(student);
        var graph = new GraphProto { Name = student.Architecture };
        var builder = new OnnxGraphBuilder(graph);
        builder.UniqueName(InputName);
        graph.Input.Add(BatchedFloat(InputName, student.Channels, student.InputSize, student.InputSize));

        var dimensions = student.EmbeddingDimensions;
        builder.UniqueName(EmbeddingName);
        var current = InputName;
        var layers = student.Body.named_children().ToList();
        foreach (var (name, layer) in layers)
        {
            if (ReferenceEquals(layer, layers[^1].module))
            {
                builder.AddAlias(EmbeddingName, current);
                graph.Output.Add(BatchedFloat(EmbeddingName, dimensions));
            }
            current = AddLayer(builder, name, layer, current);
        }

        var softmax = new NodeProto { OpType = "Softmax", Name = builder.UniqueName("softmax") };
        softmax.Input.Add(current);
        softmax.Output.Add(builder.UniqueName(OutputName));
        softmax.Attribute.Add(Int("axis", -1));
        graph.Node.Add(softmax);
        graph.Output.Add(BatchedFloat(OutputName, student.ClassCount));

        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "SelfTrain.Trainer",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model;
    }

    private static string AddLayer(OnnxGraphBuilder b, string name, nn.Module layer, string input) => layer switch
    {
        Conv2d conv => AddConv(b, name, conv, input),
        BatchNorm2d bn => AddBatchNorm(b, name, bn, input),
        ReLU => b.AddNode("Relu", name, [input]),
        MaxPool2d pool => AddMaxPool(b, name, pool, input),
        Dropout => input, // identity at inference
        Flatten flatten when flatten.start_dim == 1 && flatten.end_dim == -1 => b.AddNode("Flatten", name, [input], Int("axis", 1)),
        Linear linear => b.AddNode("Gemm", name, [input, Weight(b, name, linear.weight), Weight(b, name + "_bias", linear.bias)], Int("transB", 1)),
        AdaptiveAvgPool2d pool when pool.output_size.All(s => s == 1) => b.AddNode("GlobalAveragePool", name, [input]),
        ResidualBlock block => AddResidualBlock(b, name, block, input),
        _ => throw new NotSupportedException($"ONNX export does not support layer '{name}' of type {layer.GetType().Name} (with its settings)."),
    };

    private static string AddConv(OnnxGraphBuilder b, string name, Conv2d conv, string input)
    {
        if (conv.padding_mode != PaddingModes.Zeros || conv.transposed)
            throw new NotSupportedException($"ONNX export supports only explicit zero padding in conv layer '{name}'.");
        var inputs = new List<string> { input, Weight(b, name + "_weight", conv.weight) };
        if (conv.bias is not null) inputs.Add(Weight(b, name + "_bias", conv.bias));
        var padding = conv.padding ?? throw new NotSupportedException($"Conv layer '{name}' has no explicit padding.");
        long[] pads = [.. padding, .. padding]; // ONNX: the begins of each axis, then the ends
        return b.AddNode("Conv", name, inputs,
            Ints("kernel_shape", conv.kernel_size), Ints("strides", conv.stride), Ints("pads", pads),
            Ints("dilations", conv.dilation), Int("group", conv.groups));
    }

    private static string AddBatchNorm(OnnxGraphBuilder b, string name, BatchNorm2d bn, string input)
    {
        if (bn.running_mean is null || bn.running_var is null || bn.weight is null || bn.bias is null)
            throw new NotSupportedException($"ONNX export needs affine BatchNorm with running statistics in layer '{name}'.");
        return b.AddNode("BatchNormalization", name,
            [input, Weight(b, name + "_scale", bn.weight), Weight(b, name + "_bias", bn.bias),
             Weight(b, name + "_mean", bn.running_mean), Weight(b, name + "_var", bn.running_var)],
            Float("epsilon", (float)bn.eps));
    }

    private static string AddMaxPool(OnnxGraphBuilder b, string name, MaxPool2d pool, string input)
    {
        if (pool.dilation is not null && pool.dilation.Any(d => d != 1))
            throw new NotSupportedException($"ONNX export does not support dilated max pooling in layer '{name}'.");
        var stride = pool.stride ?? pool.kernel_size;
        var padding = pool.padding ?? [0, 0];
        return b.AddNode("MaxPool", name, [input],
            Ints("kernel_shape", pool.kernel_size), Ints("strides", stride), Ints("pads", [.. padding, .. padding]),
            Int("ceil_mode", pool.ceil_mode ? 1 : 0));
    }

    private static string AddResidualBlock(OnnxGraphBuilder b, string name, ResidualBlock block, string input)
    {
        var main = AddConv(b, name + "_conv1", block.Conv1, input);
        main = AddBatchNorm(b, name + "_bn1", block.Bn1, main);
        main = b.AddNode("Relu", name + "_relu1", [main]);
        main = AddConv(b, name + "_conv2", block.Conv2, main);
        main = AddBatchNorm(b, name + "_bn2", block.Bn2, main);
        var shortcut = input;
        if (block.Projection is var (conv, bn))
            shortcut = AddBatchNorm(b, name + "_proj_bn", bn, AddConv(b, name + "_proj", conv, input));
        return b.AddNode("Relu", name + "_relu2", [b.AddNode("Add", name + "_add", [main, shortcut])]);
    }

    private static string Weight(OnnxGraphBuilder b, string name, Tensor? tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        using var cpu = tensor.detach().cpu().contiguous().to_type(ScalarType.Float32);
        return b.AddInitializer(name, cpu.data<float>().ToArray(), cpu.shape);
    }
}
