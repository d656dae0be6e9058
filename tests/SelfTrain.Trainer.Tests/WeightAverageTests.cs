using SelfTrain.Trainer.Students;
using SelfTrain.Trainer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SelfTrain.Trainer.Tests;

/// <summary>The moving average of the student's weights that a job with emaDecay exports.</summary>
public sealed class WeightAverageTests
{
    [Fact]
    public void The_average_starts_at_the_live_weights_warms_up_its_decay_and_converges_to_weights_that_stop_moving()
    {
        random.manual_seed(3);
        using var live = StudentFactory.Create(SmallCnn.Name, 1, 28, 10, dropout: 0.25);
        using var average = new WeightAverage(live, dropout: 0.25, decay: 0.9);
        var weights = live.parameters().Concat(live.buffers()).ToArray();
        var averaged = average.Averaged.parameters().Concat(average.Averaged.buffers()).ToArray();
        Assert.Equal(weights.Length, averaged.Length);
        var start = weights.Select(w => w.data<float>().ToArray()).ToArray();
        for (var i = 0; i < weights.Length; i++) Assert.Equal(start[i], averaged[i].data<float>().ToArray());

        using (var one = 1f.ToScalar())
        using (no_grad())
            foreach (var w in weights) w.add_(one); // a held Scalar: TorchSharp does not keep a temporary one alive
        average.Update();
        // The first update's decay is min(0.9, 2 / 11): the average moves 9/11 of the way to the new weights.
        for (var i = 0; i < weights.Length; i++)
        {
            var expected = start[i].Select(v => v + 9f / 11).ToArray();
            var actual = averaged[i].data<float>().ToArray();
            for (var k = 0; k < actual.Length; k++) Assert.Equal(expected[k], actual[k], 1e-5f);
        }

        for (var step = 0; step < 300; step++) average.Update();
        for (var i = 0; i < weights.Length; i++)
        {
            var target = weights[i].data<float>().ToArray();
            var actual = averaged[i].data<float>().ToArray();
            for (var k = 0; k < actual.Length; k++) Assert.Equal(target[k], actual[k], 1e-5f);
        }
    }
}
