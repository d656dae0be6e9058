using System.Diagnostics;
using System.Text.Json;
using SelfTrain.Core.Data;
using SelfTrain.Inference;
using SelfTrain.Trainer.Evaluation;
using SelfTrain.Trainer.Teacher;

namespace SelfTrain.Trainer.Commands;

/// <summary>
/// `teacher --gold N --sizes 224,112 --test N [--out DIR] [--threads T]`: trains model A on the first N Fashion-MNIST
/// training images at each input size, and prints per size one JSON line with its accuracy on the first test
/// images and its throughput (images/s through the whole graph, batch 32). With --out, writes the model of the
/// first size as OUT/{version}/.
/// </summary>
public static class TeacherCommand
{
    public static async Task<int> RunAsync(CommandLine cli)
    {
        var goldCount = cli.Int("gold", 2000);
        var testCount = cli.Int("test", 2000);
        var threads = cli.Int("threads", Environment.ProcessorCount);
        var sizes = (cli.Get("sizes") ?? "224").Split(',').Select(int.Parse).ToArray();
        var gold = FashionMnist.LoadTrain().Select([.. Enumerable.Range(0, goldCount)]);
        var test = FashionMnist.LoadTest().Select([.. Enumerable.Range(0, testCount)]);

        foreach (var size in sizes)
        {
            var watch = Stopwatch.StartNew();
            var model = new TransferTeacher(threads: threads).Train(gold, FashionMnist.ClassNames, size, $"teacher-a-{size}px", dataSnapshot: $"fashion-mnist-train-first-{goldCount}");
            var trainSeconds = watch.Elapsed.TotalSeconds;
            using var classifier = OnnxClassifier.Load(model.Onnx, model.Manifest, new InferenceOptions { IntraOpThreads = threads });
            watch.Restart();
            var probabilities = DatasetClassifier.Probabilities(classifier, test);
            var seconds = watch.Elapsed.TotalSeconds;
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "teacher",
                architecture = TransferTeacher.Architecture,
                inputSize = size,
                goldImages = goldCount,
                testImages = testCount,
                accuracy = Math.Round(DatasetClassifier.Accuracy(probabilities, test.Labels), 4),
                imagesPerSecond = Math.Round(testCount / seconds, 1),
                trainSeconds = Math.Round(trainSeconds, 1),
                onnxBytes = model.Onnx.Length,
                threads,
            }));
            if (size == sizes[0] && cli.Get("out") is { } output)
                await ModelDirectory.WriteAsync(output, model);
        }
        return 0;
    }
}
