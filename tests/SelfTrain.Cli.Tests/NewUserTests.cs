using System.Text.Json;
using SelfTrain.Core.Models;
using SelfTrain.Storage;
using SelfTrain.Testing;
using Xunit.Abstractions;

namespace SelfTrain.Cli.Tests;

/// <summary>
/// A new user's first run, as README's "Your own model and images" tells it: a colour data set the project has never
/// seen and a model A of the user's own, the system started with serve.sh and driven only through the command-line
/// client — model registered and promoted, gold and production images uploaded, a round that promotes a colour
/// student, and rounds that are refused or fail with their reasons printed.
/// </summary>
public sealed class NewUserTests(ITestOutputHelper log) : IAsyncLifetime
{
    private const int GoldTrainPerClass = 40, ValidationPerClass = 40, Pool = 1800;

    private readonly string _root = Directory.CreateTempSubdirectory("selftrain-new-user-").FullName;
    private ServeProcess? _serve;

    public async Task InitializeAsync() => _serve = await ServeProcess.StartAsync(Path.Combine(_root, "data"));

    public async Task DisposeAsync()
    {
        if (_serve is not null) await _serve.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_new_user_goes_from_serve_sh_to_a_promoted_colour_student_with_the_client_alone()
    {
        var classes = ColouredShapes.ClassNames;
        var train = ColouredShapes.Generate(GoldTrainPerClass * classes.Length, seed: 1);
        var validation = ColouredShapes.Generate(ValidationPerClass * classes.Length, seed: 2);
        var pool = ColouredShapes.Generate(Pool, seed: 3);

        // The user's data: gold folders by class name (train) and by class index (validation), and a folder of production images.
        var gold = Directory.CreateDirectory(Path.Combine(_root, "gold")).FullName;
        await File.WriteAllTextAsync(Path.Combine(gold, "classes.json"), JsonSerializer.Serialize(classes));
        await WriteAsync(train, i => Path.Combine(gold, "train", classes[train[i].Label], $"{i:D4}.png"));
        await WriteAsync(validation, i => Path.Combine(gold, "validation", $"{validation[i].Label}", $"{i:D4}.png"));
        await WriteAsync(pool, i => Path.Combine(_root, "pool", $"{i:D4}.png"));

        // The user's model A: nearest class mean on RGB pixels, exported to ONNX, with the manifest written by hand (no sha256).
        var teacher = LinearTestModel.Centroids("shapes-a-1", train.Select(s => s.Pixels).ToArray(), train.Select(s => s.Label).ToArray(), classes,
            ColouredShapes.Size, ColouredShapes.Size, sharpness: 0.05f, channels: 3);
        var modelA = Directory.CreateDirectory(Path.Combine(_root, "model-a")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(modelA, "model.onnx"), teacher.Onnx);
        await File.WriteAllTextAsync(Path.Combine(modelA, "manifest.json"), ModelManifestJson.Serialize(teacher.Manifest));

        var registered = await CliAsync("model", "register", modelA, "--promote", "--reason", "model A");
        Assert.True(registered.ExitCode == 0, registered.ToString());
        Assert.Contains("promoted: shapes-a-1 serves", registered.Output);

        var goldUpload = await CliAsync("gold", "upload", gold);
        Assert.True(goldUpload.ExitCode == 0, goldUpload.ToString());
        Assert.Contains($"uploaded {train.Length + validation.Length} gold images of {classes.Length} classes", goldUpload.Output);

        var images = await CliAsync("images", "upload", Path.Combine(_root, "pool"), "--wait");
        Assert.True(images.ExitCode == 0, images.ToString());
        Assert.Contains($"labelled {Pool} images; 0 could not be used", images.Output);

        // A setting the trainer cannot run is refused before anything starts, with the problem named.
        var refused = await CliAsync("round", "start", "--architecture", "resnet18");
        Assert.Equal(SelfTrainCli.Failed, refused.ExitCode);
        Assert.Contains("400 Invalid round request", refused.Output);
        Assert.Contains("architecture 'resnet18' is unknown (known: small-cnn, resnet8)", refused.Output);

        // The round with the defaults: an RGB teacher at 32 px gets an RGB resnet8 student at 32 px.
        var round = await CliAsync("round", "start", "--epochs", "12", "--batch-size", "64", "--target-precision", "0.9", "--training-timeout", "00:15:00");
        Assert.True(round.ExitCode == 0, $"{round}\n{_serve!.Output}");
        Assert.Matches(@"promoted student-\S+ \(teacher shapes-a-1\)", round.Output);
        Assert.Matches(@"pool: [1-9]\d* pseudo-labels accepted", round.Output); // colour shards of the pool, not only gold

        var champion = await new ModelStore(StorageAccount.FromConnectionString(_serve.Storage), new StorageLayout()).GetChampionAsync();
        var student = await new ModelStore(StorageAccount.FromConnectionString(_serve.Storage), new StorageLayout()).GetManifestAsync(champion!.Pointer.Version);
        Assert.Equal(ColorOrder.Rgb, student.Input.ColorOrder);
        Assert.Equal((32, 32), (student.Input.Width, student.Input.Height));
        Assert.Equal("resnet8", student.Lineage!.Architecture);

        var status = await CliAsync("status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains($"champion {champion.Pointer.Version}", status.Output);

        // A round whose training cannot finish in time fails; the client shows why, and the student keeps serving.
        var failed = await CliAsync("round", "start", "--training-timeout", "00:00:01", "--max-training-attempts", "1");
        Assert.Equal(SelfTrainCli.Failed, failed.ExitCode);
        Assert.Contains("failed; the champion keeps serving", failed.Output);
        Assert.Contains("Training failed 1 times", failed.Output);
        Assert.Contains("no result within 00:00:01", failed.Output);
    }

    private async Task<CliRun> CliAsync(params string[] args)
    {
        var run = await CliRun.RunAsync([.. args, .. _serve!.Connection]);
        log.WriteLine($"$ selftrain {string.Join(' ', args)}\n{run}");
        return run;
    }

    private static async Task WriteAsync(ShapeImage[] images, Func<int, string> path)
    {
        for (var i = 0; i < images.Length; i++)
        {
            var file = path(i);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllBytesAsync(file, images[i].Png);
        }
    }
}
