using System.Text.Json;
using SelfTrain.Benchmarks;

// scripts/bench.sh runs these; each prints one JSON line.
var options = args.Skip(1).Chunk(2).Where(p => p.Length == 2 && p[0].StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p[0][2..], p => p[1]);
string Option(string name, string fallback) => options.GetValueOrDefault(name, fallback);
string Require(string name) => options.GetValueOrDefault(name) ?? throw new ArgumentException($"--{name} is required.");

object result = args.FirstOrDefault() switch
{
    "labeling" => await LabelingBenchmark.RunAsync(BenchModel.Load(Require("model")), int.Parse(Option("images", "5000")),
        int.Parse(Option("batch", "64")), bool.Parse(Option("spinning", "false")), options.GetValueOrDefault("storage"), options.GetValueOrDefault("storage-pid") is { } pid ? int.Parse(pid) : null),
    "predict" => await PredictBenchmark.RunAsync(BenchModel.Load(Require("model")), Require("url"), Require("storage"),
        int.Parse(Option("requests", "2000")), int.Parse(Option("clients", "4")), int.Parse(Option("threads", "1"))),
    "memory" => await HostileLoadBenchmark.RunAsync(BenchModel.Load(Require("model")), Require("url"), Require("storage"),
        int.Parse(Require("pid")), int.Parse(Option("requests", "32")), Option("sides", "6300,4800").Split(',').Select(int.Parse).ToArray()),
    "embeddings" => await EmbeddingsBenchmark.RunAsync(BenchModel.Load(Require("model")), Require("url"), Require("storage"),
        int.Parse(Option("batches", "40")), int.Parse(Option("batch", "32")), int.Parse(Option("threads", "1"))),
    "predict-load" => await PredictLoadBenchmark.RunAsync(BenchModel.Load(Require("model")), Require("url"), Require("storage"), Require("wrk"),
        int.Parse(Option("connections", "64")), int.Parse(Option("seconds", "10"))),
    "fanout" => await FanOutBenchmark.RunAsync(BenchModel.Load(Require("model")), Require("url"), Require("storage"), int.Parse(Require("pid")),
        int.Parse(Option("partitions", "1024")), int.Parse(Option("rows", "0"))),
    "student-job" => await StudentJob.WriteAsync(Require("out")),
    "storage" => await StorageCostBenchmark.RunAsync(Require("storage"), int.Parse(Require("storage-pid")), int.Parse(Option("images", "10000"))),
    "shards" => await ShardMemoryBenchmark.RunAsync(Require("storage"), int.Parse(Option("rows", "200000"))),
    _ => throw new ArgumentException("usage: SelfTrain.Benchmarks labeling|predict|memory|embeddings|fanout|storage|shards [...]"),
};
Console.WriteLine(JsonSerializer.Serialize(result, SelfTrain.Core.SelfTrainJson.Options));
