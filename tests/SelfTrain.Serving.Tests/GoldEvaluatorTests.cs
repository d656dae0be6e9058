using SelfTrain.Inference;
using SelfTrain.Storage;
using SelfTrain.Testing;

namespace SelfTrain.Serving.Tests;

public sealed class GoldEvaluatorTests
{
    [Fact]
    public async Task Every_model_is_judged_on_the_same_images_with_their_true_labels()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var gold = new GoldStore(scope.Account, scope.Layout);
        await gold.SetClassesAsync(Enumerable.Range(0, 10).Select(i => $"class-{i}").ToArray());
        var images = Enumerable.Range(0, 30)
            .Select(i => (Class: i % 10, Name: GoldStore.BlobName(GoldSplit.Validation, i % 10, $"{i:D3}.png"), Png: TestImages.Png(28, 28, seed: 300 + i, gray: true)))
            .OrderBy(i => i.Name, StringComparer.Ordinal).ToArray(); // the order a listing returns
        foreach (var image in images)
            await gold.UploadAsync(GoldSplit.Validation, image.Class, image.Name.Split('/')[^1], BinaryData.FromBytes(image.Png));
        await gold.UploadAsync(GoldSplit.Test, 0, "elsewhere.png", BinaryData.FromBytes(images[0].Png));

        var options = new InferenceOptions { IntraOpThreads = 1 };
        using var first = OnnxClassifier.Load(new LinearTestModel("first", 10, 28, 28, seed: 1).Onnx, new LinearTestModel("first", 10, 28, 28, seed: 1).Manifest, options);
        using var second = OnnxClassifier.Load(new LinearTestModel("second", 10, 28, 28, seed: 2).Onnx, new LinearTestModel("second", 10, 28, 28, seed: 2).Manifest, options);

        var results = await new GoldEvaluator(gold, new ServingOptions { BatchSize = 4 }).PredictAsync(GoldSplit.Validation, [first, second]);

        Assert.Equal(["first", "second"], results.Select(r => r.Model));
        Assert.Equal(images.Select(i => i.Class), results[0].Truth);
        for (var m = 0; m < 2; m++)
        {
            var model = m == 0 ? first : second;
            var alone = ImageClassifier.Classify(model, images.Select(i => i.Png).ToArray(), ImageLimits.Default);
            Assert.Equal(alone.Select(o => o.Prediction!.ClassIndex), results[m].Predicted);
            Assert.Equal(alone.Select(o => (double)o.Prediction!.Confidence), results[m].Confidence);
        }
        Assert.Equal(30, results[0].Evaluate(10).Images);
        Assert.Equal(["class-0", "class-1"], (await gold.GetClassesAsync())!.Take(2));
    }

    [Fact]
    public async Task A_blob_outside_the_layout_is_named()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        var container = scope.Account.Blobs.GetBlobContainerClient(scope.Layout.Gold);
        await container.CreateIfNotExistsAsync();
        await container.UploadBlobAsync("validation/shirt.png", BinaryData.FromBytes([1]));
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new GoldStore(scope.Account, scope.Layout).ListAsync(GoldSplit.Validation));
        Assert.Contains("validation/shirt.png", error.Message);
    }
}
