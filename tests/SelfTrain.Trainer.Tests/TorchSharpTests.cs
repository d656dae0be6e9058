using TorchSharp;
using static TorchSharp.torch;

namespace SelfTrain.Trainer.Tests;

/// <summary>libtorch loads and computes in this process (on Debian 12 only thanks to the build's libstdc++ fix).</summary>
public sealed class TorchSharpTests
{
    [Fact]
    public void Matrix_product_is_computed_by_libtorch()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        using var b = tensor(new float[] { 5, 6, 7, 8 }, [2, 2]);
        using var product = a.matmul(b);
        // [[1*5+2*7, 1*6+2*8], [3*5+4*7, 3*6+4*8]]
        Assert.Equal(new float[] { 19, 22, 43, 50 }, product.data<float>().ToArray());
    }

    [Fact]
    public void A_few_sgd_steps_fit_a_linear_model()
    {
        random.manual_seed(7);
        using var scope = NewDisposeScope();
        var x = randn(256, 3);
        var trueWeights = tensor(new float[] { 2f, -1f, 0.5f }).reshape(3, 1);
        var y = x.matmul(trueWeights) + 0.3f;

        var model = nn.Linear(3, 1);
        var optimizer = optim.SGD(model.parameters(), learningRate: 0.1);
        var initialLoss = nn.functional.mse_loss(model.forward(x), y).item<float>();
        for (var step = 0; step < 200; step++)
        {
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.forward(x), y);
            loss.backward();
            optimizer.step();
        }

        var finalLoss = nn.functional.mse_loss(model.forward(x), y).item<float>();
        Assert.True(finalLoss < initialLoss / 1000, $"loss went from {initialLoss} to {finalLoss}");
        var learned = model.weight!.data<float>().ToArray();
        Assert.Equal(2f, learned[0], 0.01f);
        Assert.Equal(-1f, learned[1], 0.01f);
        Assert.Equal(0.5f, learned[2], 0.01f);
        Assert.Equal(0.3f, model.bias!.item<float>(), 0.01f);
    }

    [Fact]
    public void Cpu_is_chosen_when_no_gpu_is_requested()
    {
        Assert.Equal(DeviceType.CPU, ComputeDevice.Select("cpu").type);
        Assert.Throws<ArgumentException>(() => ComputeDevice.Select("tpu"));
    }
}
