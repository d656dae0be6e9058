using System.CommandLine;
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
    public static Command Create(ILoggerFactory logging)
    {
        var once = new Option<bool>("--once") { Description = "run one job and exit (the container job: one execution per message)" };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("work", "Runs jobs from the training-jobs queue, one or until stopped.") { once, device, threads };
        command.SetAction((parse, _) => RunAsync(parse.GetValue(once), new TrainerOptions { Device = parse.GetValue(device)!, Threads = parse.GetValue(threads) }, logging));
        return command;
    }

    private static async Task<int> RunAsync(bool once, TrainerOptions options, ILoggerFactory logging)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        using var telemetry = TrainerTelemetry.Start(configuration);
        var storage = StorageAccount.FromSetting(name => configuration[name]);
        var layout = configuration.GetSection(StorageLayout.Section).Get<StorageLayout>() ?? new StorageLayout();
        var trainer = new StudentTrainer(options, logging.CreateLogger("SelfTrain.Trainer"));
        var worker = new TrainingWorker(storage, layout, trainer, new WorkerOptions(), TimeProvider.System, logging.CreateLogger<TrainingWorker>());

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
        try
        {
            await worker.RunAsync(once, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        return 0;
    }
}
