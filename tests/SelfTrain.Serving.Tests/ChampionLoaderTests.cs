using SelfTrain.Testing;

namespace SelfTrain.Serving.Tests;

public sealed class ChampionLoaderTests
{
    [Fact]
    public async Task The_served_model_follows_the_pointer()
    {
        await using var fixture = await ServingFixture.CreateAsync();
        Assert.Equal("champion-1", fixture.Served.Version);

        await fixture.Models.RegisterChampionAsync(new LinearTestModel("champion-2", classes: 10, width: 28, height: 28, seed: 2));
        Assert.Equal("champion-2", await fixture.Loader.RefreshAsync());
    }

    [Fact]
    public async Task A_version_that_cannot_load_leaves_the_previous_one_serving()
    {
        await using var fixture = await ServingFixture.CreateAsync();
        var broken = new LinearTestModel("broken", classes: 10, width: 28, height: 28);
        // The manifest says 16 px, the graph 28 px: refused at load.
        await fixture.Models.SaveAsync(broken.Onnx, broken.Manifest with { Input = broken.Manifest.Input with { Width = 16, Height = 16 } });
        Assert.True(await fixture.Models.TrySetChampionAsync("broken", "test", await fixture.Models.GetChampionAsync()));

        Assert.Equal("champion-1", await fixture.Loader.RefreshAsync());
        Assert.Equal("champion-1", await fixture.Loader.RefreshAsync()); // not retried while the pointer stays
    }
}
