using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using SelfTrain.Core.Data;
using SelfTrain.Core.Models;
using SelfTrain.Trainer.Teacher;

namespace SelfTrain.Trainer.Tests;

/// <summary>Model A: the ImageNet ResNet18 plus a head trained on gold features, as one ONNX graph.</summary>
public sealed class TransferTeacherTests
{
    private const int Size = 32; // small, so the test is quick; the graph is the same at 224 px

    [Fact]
    public void Teacher_is_one_graph_with_dynamic_batch_that_classifies_test_images()
    {
        var gold = FashionMnist.LoadTrain().Select([.. Enumerable.Range(0, 200)]);
        var test = FashionMnist.LoadTest().Select([.. Enumerable.Range(0, 200)]);
        var teacher = new TransferTeacher(threads: 2).Train(gold, FashionMnist.ClassNames, Size, "teacher-test", seed: 3);

        var graph = ModelProto.Parser.ParseFrom(teacher.Onnx).Graph;
        Assert.DoesNotContain(graph.Node, n => n.OpType == "AveragePool");
        Assert.Single(graph.Node, n => n.OpType == "GlobalAveragePool");
        Assert.Equal(["Gemm", "Softmax"], graph.Node.TakeLast(2).Select(n => n.OpType));
        Assert.Equal(["Split", "Concat", "Sub"], graph.Node.Take(3).Select(n => n.OpType));

        using var runner = new OnnxFeaturizer(teacher.Onnx, Size, threads: 2);
        var probabilities = runner.Run(test, batchSize: 64);
        Assert.All(probabilities, p => Assert.Equal(1f, p.Sum(), 4));
        var accuracy = probabilities.Where((p, i) => Array.IndexOf(p, p.Max()) == test.Labels[i]).Count() / 200.0;
        Assert.True(accuracy > 0.55, $"accuracy {accuracy} on 200 test images with 200 gold images at {Size} px");

        // A batch of one gives what the same image gives inside a batch.
        using var single = new OnnxFeaturizer(teacher.Onnx, Size, threads: 2);
        var alone = single.Run(test.Select([7]), batchSize: 1)[0];
        Assert.Equal(probabilities[7], alone, (a, b) => Math.Abs(a - b) < 1e-5);

        var manifest = teacher.Manifest;
        Assert.Equal((ResNet18Graph.InputName, Size, ColorOrder.Rgb, 1f), (manifest.Input.TensorName, manifest.Input.Width, manifest.Input.ColorOrder, manifest.Input.PixelScale));
        Assert.Equal((ResNet18Graph.OutputName, OutputKind.Probabilities), (manifest.Output.TensorName, manifest.Output.Kind));
        Assert.Equal(TransferTeacher.Recipe, manifest.Lineage!.Recipe);

        using var session = new InferenceSession(teacher.Onnx);
        Assert.Equal([-1, 3, Size, Size], session.InputMetadata[ResNet18Graph.InputName].Dimensions);
    }

    [Fact]
    public void Channel_means_come_from_the_packages_mean_image()
    {
        var means = ResNet18Graph.ChannelMeans(ResNet18Graph.DefaultModelsDirectory);
        Assert.Equal(3, means.Length);
        Assert.All(means, m => Assert.InRange(m, 90f, 140f)); // ImageNet BGR means are about 104, 117, 123
    }

    [Fact]
    public void Bilinear_resize_keeps_a_flat_image_flat_and_repeats_gray_into_rgb()
    {
        var image = Enumerable.Repeat((byte)100, 28 * 28).ToArray();
        var target = new float[3 * 56 * 56];
        ImageResize.Bilinear(image, 1, 28, 28, 56, 3, target);
        Assert.All(target, v => Assert.Equal(100f, v, 4));

        var ramp = Enumerable.Range(0, 4).Select(i => (byte)(i * 10)).ToArray(); // 1×1×4 row: 0 10 20 30
        var wide = new float[3 * 8 * 8];
        ImageResize.Bilinear([.. Enumerable.Repeat(ramp, 4).SelectMany(r => r)], 1, 4, 4, 8, 3, wide);
        Assert.Equal([0f, 2.5f, 7.5f, 12.5f, 17.5f, 22.5f, 27.5f, 30f], wide[..8]);
    }
}
