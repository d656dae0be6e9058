using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SelfTrain.Storage;
using SelfTrain.Trainer.Jobs;
using SelfTrain.Trainer.Training;

namespace SelfTrain.Trainer.Commands;

/// <summary>
/// `work [--once] [--device auto|cpu|cuda] [--threads N]`: runs jobs from the training-jobs queue — one (the
/// container job, one execution per message) or until stopped (a local worker). Storage comes from the same
/// settings as the Functions app: AzureWebJobsStorage, or AzureWebJobsStorage__accountName (+ __clientId); the
/// Storage__Prefix setting selects a layout like the hosts'.
/// </summary>
public static class WorkCommand
{
    public static async Task<int> RunAsync(CommandLine cli, ILoggerFactory logging)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var storage = StorageAccount.FromSetting(name => configuration[name]);
        var layout = configuration.GetSection(StorageLayout.Section).Get<StorageLayout>() ?? new StorageLayout();
        var trainer = new StudentTrainer(
            new TrainerOptions { Device = cli.Get("device") ?? "auto", Threads = cli.Int("threads", Environment.ProcessorCount) },
            logging.CreateLogger("SelfTrain.Trainer"));
        var worker = new TrainingWorker(storage, layout, trainer, new WorkerOptions(), TimeProvider.System, logging.CreateLogger<TrainingWorker>());

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
        try
        {
            await worker.RunAsync(cli.Flag("once"), stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        return 0;
    }
}
