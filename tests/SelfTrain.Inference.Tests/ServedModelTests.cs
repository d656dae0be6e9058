using SelfTrain.Testing;

namespace SelfTrain.Inference.Tests;

public sealed class ServedModelTests
{
    private static OnnxClassifier Load(string version, int seed = 1)
    {
        var model = new LinearTestModel(version, seed: seed);
        return OnnxClassifier.Load(model.Onnx, model.Manifest, new InferenceOptions { IntraOpThreads = 1 });
    }

    [Fact]
    public void Nothing_is_served_before_the_first_model()
    {
        using var served = new ServedModel();
        Assert.Null(served.TryAcquire());
        Assert.Null(served.Version);
    }

    [Fact]
    public void A_lease_keeps_the_replaced_model_working_until_it_ends()
    {
        using var served = new ServedModel();
        served.Swap(Load("v1"));
        var lease = served.TryAcquire()!;

        served.Swap(Load("v2", seed: 2));
        Assert.Equal("v2", served.Version);

        var old = lease.Classifier;
        Assert.Equal("v1", old.Manifest.Version);
        Assert.Single(old.Classify(new float[old.SampleLength], 1)); // still usable after the swap
        lease.Dispose();
        Assert.ThrowsAny<ObjectDisposedException>(() => old.Classify(new float[old.SampleLength], 1));

        using var current = served.TryAcquire()!;
        Assert.Equal("v2", current.Classifier.Manifest.Version);
    }

    [Fact]
    public async Task Swapping_under_concurrent_use_fails_no_call()
    {
        using var served = new ServedModel();
        served.Swap(Load("v0"));
        using var stop = new CancellationTokenSource();
        var calls = 0;

        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var lease = served.TryAcquire()!;
                var classifier = lease.Classifier;
                Assert.Single(classifier.Classify(new float[classifier.SampleLength], 1));
                Interlocked.Increment(ref calls);
            }
        })).ToArray();

        for (var v = 1; v <= 30; v++)
        {
            served.Swap(Load($"v{v}", seed: v));
            await Task.Delay(5);
        }
        stop.Cancel();
        await Task.WhenAll(workers); // any failed call surfaces here
        Assert.True(calls > 30, $"only {calls} calls ran");
        Assert.Equal("v30", served.Version);
    }
}
