using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SelfTrain.Trainer.Students;

/// <summary>A ResNet basic block: ReLU(BN(conv3×3(ReLU(BN(conv3×3(x))))) + shortcut(x)); the shortcut projects (1×1 conv + BN) when the shape changes.</summary>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d? projection;
    private readonly BatchNorm2d? projectionBn;

    public ResidualBlock(string name, int inChannels, int outChannels, int stride) : base(name)
    {
        conv1 = nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(outChannels);
        conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(outChannels);
        if (stride != 1 || inChannels != outChannels)
        {
            projection = nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false);
            projectionBn = nn.BatchNorm2d(outChannels);
        }
        RegisterComponents();
    }

    public Conv2d Conv1 => conv1;
    public BatchNorm2d Bn1 => bn1;
    public Conv2d Conv2 => conv2;
    public BatchNorm2d Bn2 => bn2;

    /// <summary>Null when the shortcut is the identity.</summary>
    public (Conv2d Conv, BatchNorm2d Bn)? Projection => projection is null ? null : (projection, projectionBn!);

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var main = bn2.call(conv2.call(nn.functional.relu(bn1.call(conv1.call(input)))));
        var shortcut = projection is null ? input : projectionBn!.call(projection.call(input));
        return nn.functional.relu(main + shortcut).MoveToOuterDisposeScope();
    }
}
