using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SelfTrain.Trainer.Students;

/// <summary>
/// The student for larger inputs: a small ResNet (stem conv, three stages of one basic block each at 32/64/128
/// channels, global average pooling, fc). Above 32 px the stem strides by 2 so the stages see at most ~32 px.
/// </summary>
public sealed class ResNetStudent : StudentNetwork
{
    public const string Name = "resnet8";

    private readonly Sequential body;

    public ResNetStudent(int channels, int inputSize, int classCount, double dropout = 0.2) : base(Name, channels, inputSize, classCount)
    {
        if (inputSize is < 8 or > 512)
            throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, $"{Name} takes inputs of 8 to 512 px.");
        var stemStride = inputSize > 32 ? 2 : 1;
        body = nn.Sequential(
            ("stem", nn.Conv2d(channels, 32, 3, stride: stemStride, padding: 1, bias: false)),
            ("stem_bn", nn.BatchNorm2d(32)),
            ("stem_relu", nn.ReLU()),
            ("block1", new ResidualBlock("block1", 32, 32, 1)),
            ("block2", new ResidualBlock("block2", 32, 64, 2)),
            ("block3", new ResidualBlock("block3", 64, 128, 2)),
            ("pool", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("drop", nn.Dropout(dropout)),
            ("fc", nn.Linear(128, classCount)));
        RegisterComponents();
    }

    public override Sequential Body => body;
}
