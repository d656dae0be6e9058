using Microsoft.Extensions.Logging;
using SelfTrain.Trainer.Commands;

using var logging = LoggerFactory.Create(builder => builder.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss ";
}));
return await TrainerCli.RunAsync(args, logging, Console.Error);
