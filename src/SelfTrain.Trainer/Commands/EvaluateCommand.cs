using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SelfTrain.Core.Data;
using SelfTrain.Trainer.Evaluation;

namespace SelfTrain.Trainer.Commands;

/// <summary>`evaluate --model DIR [--threads T]`: a stored model's accuracy on the 10,000 Fashion-MNIST test images, as one JSON line.</summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var model = CommonOptions.RequiredPath("--model", "the model's version folder (model.onnx and manifest.json)");
        var threads = CommonOptions.Threads();
        var command = new Command("evaluate", "Scores a stored model on the Fashion-MNIST test images; prints one JSON line.") { model, threads };
        command.SetAction(parse => Run(parse.GetValue(model)!, parse.GetValue(threads)));
        return command;
    }

    private static int Run(string directory, int threads)
    {
        var test = FashionMnist.LoadTest();
        using var model = ModelDirectory.Load(directory, threads);
        var watch = Stopwatch.StartNew();
        var probabilities = DatasetClassifier.Probabilities(model, test);
        var seconds = watch.Elapsed.TotalSeconds;
        var lineage = model.Manifest.Lineage;
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            evaluation = "fashion-mnist-test",
            version = model.Manifest.Version,
            recipe = lineage?.Recipe,
            architecture = lineage?.Architecture,
            testImages = test.Count,
            accuracy = Math.Round(DatasetClassifier.Accuracy(probabilities, test.Labels), 4),
            imagesPerSecond = Math.Round(test.Count / seconds, 1),
            epochs = lineage?.TrainingCurve.Count,
        }));
        return 0;
    }
}
