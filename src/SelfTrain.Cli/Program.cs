using SelfTrain.Cli;

return await SelfTrainCli.RunAsync(args);
