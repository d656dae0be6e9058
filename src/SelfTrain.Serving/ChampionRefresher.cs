using Azure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SelfTrain.Serving;

/// <summary>Polls the champion pointer in the background, so a promotion is served without a restart.</summary>
public sealed partial class ChampionRefresher(ChampionLoader loader, ServingOptions options, TimeProvider clock, ILogger<ChampionRefresher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await loader.RefreshAsync(stoppingToken);
            }
            catch (RequestFailedException ex)
            {
                LogStorageUnavailable(ex);
            }
            await Task.Delay(options.ChampionPollInterval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Cannot read the champion pointer; will try again")]
    private partial void LogStorageUnavailable(Exception error);
}
