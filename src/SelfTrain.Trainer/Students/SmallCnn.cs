using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SelfTrain.Trainer.Students;

/// <summary>
/// The student for small inputs (≤ 32 px): conv32-BN-ReLU-pool, conv64-BN-ReLU-pool, dropout, fc128-ReLU, dropout, fc.
/// Pooling after each conv keeps the second conv and the first fully connected layer cheap on a CPU.
/// </summary>
public sealed class SmallCnn : StudentNetwork
{
    public const string Name = "small-cnn";
    public const int MaxInputSize = 32;

    private readonly Sequential body;

    public SmallCnn(int channels, int inputSize, int classCount, double dropout = 0.25) : base(Name, channels, inputSize, classCount)
    {
        if (inputSize is < 8 or > MaxInputSize)
            throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, $"{Name} takes inputs of 8 to {MaxInputSize} px.");
        var pooled = inputSize / 4;
        body = nn.Sequential(
            ("conv1", nn.Conv2d(channels, 32, 3, padding: 1, bias: false)),
            ("bn1", nn.BatchNorm2d(32)),
            ("relu1", nn.ReLU()),
            ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(32, 64, 3, padding: 1, bias: false)),
            ("bn2", nn.BatchNorm2d(64)),
            ("relu2", nn.ReLU()),
            ("pool2", nn.MaxPool2d(2)),
            ("drop1", nn.Dropout(dropout)),
            ("flatten", nn.Flatten()),
            ("fc1", nn.Linear(64 * pooled * pooled, 128)),
            ("relu3", nn.ReLU()),
            ("drop2", nn.Dropout(dropout)),
            ("fc2", nn.Linear(128, classCount)));
        RegisterComponents();
    }

    public override Sequential Body => body;
}
