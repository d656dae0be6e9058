using Microsoft.Extensions.Logging;

namespace SelfTrain.Serving;

/// <summary>Polls the champion pointer in the background, so a promotion is served without a restart.</summary>
public sealed class ChampionRefresher(ChampionLoader loader, ServingOptions options, BackgroundLoopStatus status, TimeProvider clock,
    ILogger<ChampionRefresher> logger) : BackgroundLoop(status, clock, logger)
{
    public override string Name => "champion-refresher";

    protected override async Task<TimeSpan> RunOnceAsync(CancellationToken cancellationToken)
    {
        await loader.RefreshAsync(cancellationToken);
        return options.ChampionPollInterval;
    }
}
