using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using SelfTrain.Core.Data;
using SelfTrain.Core.Models;
using SelfTrain.Inference;
using SelfTrain.Trainer.Evaluation;
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

        // Through the serving stack, as the round and the service run it.
        using var classifier = OnnxClassifier.Load(teacher.Onnx, teacher.Manifest, new InferenceOptions { IntraOpThreads = 2 });
        var probabilities = DatasetClassifier.Probabilities(classifier, test);
        Assert.All(probabilities, p => Assert.Equal(1f, p.Sum(), 4));
        var accuracy = DatasetClassifier.Accuracy(probabilities, test.Labels);
        Assert.True(accuracy > 0.55, $"accuracy {accuracy} on 200 test images with 200 gold images at {Size} px");

        // A batch of one gives what the same image gives inside a batch.
        using var single = OnnxClassifier.Load(teacher.Onnx, teacher.Manifest, new InferenceOptions { IntraOpThreads = 2, MaxBatchSize = 1 });
        var alone = DatasetClassifier.Probabilities(single, test.Select([7]))[0];
        Assert.Equal(probabilities[7], alone, (a, b) => Math.Abs(a - b) < 1e-5);

        var manifest = teacher.Manifest;
        Assert.Equal((ResNet18Graph.InputName, Size, ColorOrder.Rgb, 1f), (manifest.Input.TensorName, manifest.Input.Width, manifest.Input.ColorOrder, manifest.Input.PixelScale));
        Assert.Equal((ResNet18Graph.OutputName, OutputKind.Probabilities), (manifest.Output.TensorName, manifest.Output.Kind));
        Assert.Equal(TransferTeacher.Recipe, manifest.Lineage!.Recipe);

        using var session = new InferenceSession(teacher.Onnx);
        Assert.Equal([-1, 3, Size, Size], session.InputMetadata[ResNet18Graph.InputName].Dimensions);

        // Its embedding is the ImageNet backbone's own view: what the head-less featurizer computes.
        Assert.Equal((ResNet18Graph.FeaturesName, ResNet18Graph.FeatureCount), (manifest.Embedding!.TensorName, manifest.Embedding.Dimensions));
        var images = test.Select([.. Enumerable.Range(0, 8)]);
        var batch = new float[images.Count * classifier.SampleLength];
        DatasetClassifier.Preprocess(images, 0, images.Count, manifest.Input, batch);
        var embeddings = classifier.Embed(batch, images.Count);
        using var featurizer = new OnnxFeaturizer(ResNet18Graph.Build(ResNet18Graph.DefaultModelsDirectory, Size).ToByteArray(), manifest.Input, threads: 2);
        var features = featurizer.Run(images);
        for (var i = 0; i < images.Count; i++)
            Assert.Equal(features[i], embeddings[i], (a, b) => Math.Abs(a - b) < 1e-4);
    }

    [Fact]
    public void Channel_means_come_from_the_packages_mean_image()
    {
        var means = ResNet18Graph.ChannelMeans(ResNet18Graph.DefaultModelsDirectory);
        Assert.Equal(3, means.Length);
        Assert.All(means, m => Assert.InRange(m, 90f, 140f)); // ImageNet BGR means are about 104, 117, 123
    }
}
