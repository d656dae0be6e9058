using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SelfTrain.Core.Data;
using SelfTrain.Trainer.Export;
using SelfTrain.Trainer.Students;
using SelfTrain.Trainer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SelfTrain.Trainer.Tests;

/// <summary>An exported student computes in ONNX Runtime what it computes in TorchSharp.</summary>
public sealed class OnnxExportTests
{
    private static readonly Lazy<(LabelledImages Train, LabelledImages Test)> Data = new(() =>
        (FashionMnist.LoadTrain(), FashionMnist.LoadTest()));

    [Theory]
    [InlineData(SmallCnn.Name, 1000, 30)]
    [InlineData(ResNetStudent.Name, 300, 0)] // too few steps to learn much; it checks the residual export
    public void Trained_student_exports_to_onnx_with_matching_probabilities(string architecture, int trainImages, int minCorrect)
    {
        torch.set_num_threads(2);
        torch.random.manual_seed(11);
        var (train, test) = Data.Value;
        var normalization = Normalization.Of(train.Pixels.AsSpan(0, trainImages * train.ImageBytes));
        using var student = StudentFactory.Create(architecture, 1, 28, 10, dropout: 0.25);

        TrainOneEpoch(student, train, trainImages, normalization);

        student.eval();
        var indices = Enumerable.Range(0, 100).ToList();
        float[] expected, expectedEmbedding;
        using (no_grad())
        using (var input = normalization.ToTensor(test.Pixels, indices, 1, 28, 28))
        using (var probabilities = nn.functional.softmax(student.call(input), 1))
        {
            expected = probabilities.data<float>().ToArray();
            // The embedding: every layer but the final classifier.
            var activation = input.alias();
            foreach (var layer in student.Body.children().SkipLast(1)) activation = ((nn.Module<torch.Tensor, torch.Tensor>)layer).call(activation);
            expectedEmbedding = activation.data<float>().ToArray();
        }

        var onnx = OnnxExporter.Export(student);
        using var session = new InferenceSession(onnx);
        Assert.Equal(OnnxExporter.InputName, session.InputMetadata.Keys.Single());
        Assert.Equal(-1, session.InputMetadata[OnnxExporter.InputName].Dimensions[0]); // dynamic batch
        using var inputTensor = normalization.ToTensor(test.Pixels, indices, 1, 28, 28);
        var onnxInput = new DenseTensor<float>(inputTensor.data<float>().ToArray(), [100, 1, 28, 28]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, onnxInput)]);
        var actual = results.Single(r => r.Name == OnnxExporter.OutputName).AsEnumerable<float>().ToArray();

        Assert.Equal(expected.Length, actual.Length);
        var maxDifference = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(maxDifference < 1e-4, $"largest probability difference {maxDifference}");
        Assert.Equal(ArgMax(expected), ArgMax(actual));
        var embedding = results.Single(r => r.Name == OnnxExporter.EmbeddingName).AsTensor<float>();
        Assert.Equal([100, student.EmbeddingDimensions], embedding.Dimensions.ToArray());
        var embeddingDifference = expectedEmbedding.Zip(embedding.ToArray(), (e, a) => Math.Abs(e - a)).Max();
        Assert.True(embeddingDifference < 1e-3, $"largest embedding difference {embeddingDifference}");
        // The epoch taught it something: clearly better than the 10% of guessing.
        var correct = ArgMax(actual).Where((c, i) => c == test.Labels[i]).Count();
        Assert.True(correct >= minCorrect, $"{correct}/100 correct after one epoch");
    }

    [Fact]
    public void Unknown_layer_is_an_error_naming_it()
    {
        using var student = new OddStudent();
        var error = Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(student));
        Assert.Contains("layer 'gelu' of type GELU", error.Message);
    }

    private static void TrainOneEpoch(StudentNetwork student, LabelledImages train, int count, Normalization normalization)
    {
        student.train();
        using var optimizer = optim.Adam(student.parameters(), 1e-3);
        var order = Enumerable.Range(0, count).ToArray();
        new Random(3).Shuffle(order);
        foreach (var batch in order.Chunk(50))
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var labels = tensor(batch.Select(i => (long)train.Labels[i]).ToArray());
            var loss = nn.functional.cross_entropy(student.call(normalization.ToTensor(train.Pixels, batch, 1, 28, 28)), labels);
            loss.backward();
            optimizer.step();
        }
    }

    private static int[] ArgMax(float[] probabilities) =>
        probabilities.Chunk(10).Select(row => Array.IndexOf(row, row.Max())).ToArray();

    private sealed class OddStudent : StudentNetwork
    {
        private readonly TorchSharp.Modules.Sequential body;

        public OddStudent() : base("odd", 1, 28, 10)
        {
            body = nn.Sequential(("flatten", nn.Flatten()), ("gelu", nn.GELU()), ("fc", nn.Linear(784, 10)));
            RegisterComponents();
        }

        public override TorchSharp.Modules.Sequential Body => body;
    }
}
