using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SelfTrain.Trainer.Students;

/// <summary>
/// A student: a plain chain of layers (<see cref="Body"/>) mapping a normalized image batch [N, C, H, W] to class
/// logits [N, K]. Keeping it a flat chain of standard TorchSharp layers (plus <see cref="ResidualBlock"/>) is what lets
/// <see cref="Export.OnnxExporter"/> walk it layer by layer.
/// </summary>
public abstract class StudentNetwork : nn.Module<Tensor, Tensor>
{
    protected StudentNetwork(string architecture, int channels, int inputSize, int classCount) : base(architecture)
    {
        Architecture = architecture;
        Channels = channels;
        InputSize = inputSize;
        ClassCount = classCount;
    }

    public string Architecture { get; }
    public int Channels { get; }
    public int InputSize { get; }
    public int ClassCount { get; }

    /// <summary>
    /// Length of the image's embedding: the input of the last layer, a linear classifier. Dropout before it is the
    /// identity at inference, so the embedding is the exported graph's last activation before the classifier.
    /// </summary>
    public int EmbeddingDimensions => Body.children().Last() is Linear classifier ? (int)classifier.weight!.shape[1]
        : throw new NotSupportedException($"Student '{Architecture}' does not end in a linear classifier, so it has no embedding layer.");

    /// <summary>The layers in order; set by the subclass before it registers its components.</summary>
    public abstract Sequential Body { get; }

    public override Tensor forward(Tensor input) => Body.call(input);
}
