using TorchSharp;
using static TorchSharp.torch;

namespace SelfTrain.Trainer.Teacher;

/// <summary>
/// A softmax-regression head on frozen backbone features: full-batch training with AdamW and L2 weight decay on
/// standardized features, folded back so the exported head takes raw features.
/// </summary>
public static class LinearHead
{
    public static (float[] Weights, float[] Biases) Train(float[][] features, int[] labels, int classCount, int seed,
        int steps = 300, double learningRate = 0.01, double weightDecay = 1e-3)
    {
        torch.manual_seed(seed);
        var dims = features[0].Length;
        using var scope = NewDisposeScope();
        var x = tensor(features.SelectMany(f => f).ToArray(), [features.Length, dims]);
        var y = tensor(labels.Select(l => (long)l).ToArray());
        var mean = x.mean([0], keepdim: true);
        var std = x.std(0, keepdim: true) + 1e-6f;
        var z = (x - mean) / std;

        using var linear = nn.Linear(dims, classCount);
        using var optimizer = optim.AdamW(linear.parameters(), learningRate, weight_decay: weightDecay);
        for (var step = 0; step < steps; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.cross_entropy(linear.call(z), y).backward();
            optimizer.step();
        }

        // W·((x − m)/s) + b = (W/s)·x + (b − (W/s)·m)
        using var _ = no_grad();
        var weight = linear.weight! / std;
        var bias = linear.bias! - weight.matmul(mean.squeeze(0));
        return (weight.contiguous().data<float>().ToArray(), bias.contiguous().data<float>().ToArray());
    }
}
