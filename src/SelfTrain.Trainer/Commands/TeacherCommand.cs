using System.CommandLine;
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
    public static Command Create()
    {
        var gold = CommonOptions.Positive("--gold", "training images the head learns from", 2000);
        var test = CommonOptions.Positive("--test", "test images it is scored on", 2000);
        var sizes = new Option<int[]>("--sizes")
        {
            Description = "input sizes in pixels, comma-separated",
            DefaultValueFactory = _ => [224],
            Arity = ArgumentArity.ExactlyOne,
            CustomParser = result =>
            {
                var parts = result.Tokens.Single().Value.Split(',');
                var values = parts.Select(p => int.TryParse(p, out var n) && n is >= 16 and <= 1024 ? n : 0).ToArray();
                if (values.Contains(0)) result.AddError("--sizes must be comma-separated sizes from 16 to 1024 pixels.");
                return values;
            },
        };
        var output = new Option<string>("--out") { Description = "a models folder to write the first size's model into" };
        var threads = CommonOptions.Threads();
        var command = new Command("teacher", "Trains model A at each input size and prints its accuracy and throughput, one JSON line per size.")
        {
            gold, test, sizes, output, threads,
        };
        command.SetAction((parse, _) => RunAsync(parse.GetValue(gold), parse.GetValue(test), parse.GetValue(sizes)!, parse.GetValue(output), parse.GetValue(threads)));
        return command;
    }

    private static async Task<int> RunAsync(int goldCount, int testCount, int[] sizes, string? output, int threads)
    {
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
            if (size == sizes[0] && output is not null)
                await ModelDirectory.WriteAsync(output, model);
        }
        return 0;
    }
}
