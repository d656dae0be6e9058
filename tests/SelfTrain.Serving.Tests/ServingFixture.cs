using Microsoft.Extensions.Logging.Abstractions;
using SelfTrain.Inference;
using SelfTrain.Storage;
using SelfTrain.Testing;

namespace SelfTrain.Serving.Tests;

/// <summary>The serving side wired by hand over one isolated Azurite scope, with a champion already loaded.</summary>
internal sealed class ServingFixture : IAsyncDisposable
{
    private ServingFixture(StorageTestScope scope, ServingOptions options)
    {
        Scope = scope;
        Layout = scope.Layout;
        Options = options;
        Models = new ModelStore(scope.Account, Layout);
        Labels = new LabelStore(scope.Account, Layout);
        Loader = new ChampionLoader(Models, Served, new InferenceOptions { IntraOpThreads = 1 }, NullLogger<ChampionLoader>.Instance);
        Labeler = new ImageLabeler(scope.Account, Layout, Labels, Served, options, TimeProvider.System, NullLogger<ImageLabeler>.Instance);
    }

    public StorageTestScope Scope { get; }
    public StorageLayout Layout { get; }
    public ServingOptions Options { get; }
    public ModelStore Models { get; }
    public LabelStore Labels { get; }
    public ServedModel Served { get; } = new();
    public ChampionLoader Loader { get; }
    public ImageLabeler Labeler { get; }

    public Azure.Storage.Blobs.BlobContainerClient Incoming => Scope.Account.Blobs.GetBlobContainerClient(Layout.Incoming);
    public Azure.Storage.Blobs.BlobContainerClient Quarantine => Scope.Account.Blobs.GetBlobContainerClient(Layout.Quarantine);

    public static async Task<ServingFixture> CreateAsync(ServingOptions? options = null, bool withChampion = true)
    {
        var fixture = new ServingFixture(await AzuriteStorage.CreateScopeAsync(), options ?? new ServingOptions { BatchSize = 16 });
        await fixture.Incoming.CreateIfNotExistsAsync();
        if (withChampion)
        {
            await fixture.Models.RegisterChampionAsync(new LinearTestModel("champion-1", classes: 10, width: 28, height: 28));
            await fixture.Loader.RefreshAsync();
        }
        return fixture;
    }

    public IncomingSweeper Sweeper(TimeProvider? clock = null) =>
        new(Scope.Account, Layout, Labeler, Options, clock ?? TimeProvider.System, NullLogger<IncomingSweeper>.Instance);

    public async Task UploadAsync(string name, byte[] bytes) =>
        await Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(bytes), overwrite: true);

    public async ValueTask DisposeAsync()
    {
        Served.Dispose();
        await Scope.DisposeAsync();
    }
}
