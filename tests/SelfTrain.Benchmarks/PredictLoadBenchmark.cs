using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using SelfTrain.Storage;

namespace SelfTrain.Benchmarks;

/// <summary>
/// <c>POST /api/predict</c> under load from a real load generator (<c>wrk</c>, one PNG as every request's body)
/// against a running local host: requests per second, latency percentiles and failures at a number of concurrent
/// connections; then the same load while the champion is swapped to another version, which must fail no request.
/// </summary>
internal static partial class PredictLoadBenchmark
{
    public static async Task<object> RunAsync(BenchModel model, string url, string storage, string wrk, int connections, int seconds)
    {
        await PredictBenchmark.RegisterChampionAsync(model, storage);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        await PredictBenchmark.WaitForChampionAsync(http, model.Manifest.Version);

        var work = Directory.CreateTempSubdirectory("selftrain-wrk").FullName;
        try
        {
            var png = Path.Combine(work, "image.png");
            await File.WriteAllBytesAsync(png, BenchModel.Pngs(1)[0]);
            var script = Path.Combine(work, "predict.lua");
            await File.WriteAllTextAsync(script, $"""
                wrk.method = "POST"
                wrk.headers["Content-Type"] = "image/png"
                local file = io.open("{png}", "rb")
                wrk.body = file:read("*all")
                file:close()
                """);
            // Warm-up as long as the run: with both cores loaded, the host's code takes seconds to reach its optimised tier.
            await RunWrkAsync(wrk, script, url, connections, seconds);
            var steady = await RunWrkAsync(wrk, script, url, connections, seconds);

            // The same load while another version is promoted: every request is answered by one champion or the other.
            var swapped = model.Manifest with { Version = $"{model.Manifest.Version}-swap-{Guid.NewGuid().ToString("N")[..8]}" };
            var models = new ModelStore(StorageAccount.FromConnectionString(storage), new StorageLayout());
            await models.SaveAsync(model.Onnx, swapped);
            var load = RunWrkAsync(wrk, script, url, connections, seconds);
            await Task.Delay(TimeSpan.FromSeconds(seconds / 3.0));
            var before = await models.GetChampionAsync();
            if (!await models.TrySetChampionAsync(swapped.Version, "benchmark swap", before))
                throw new InvalidOperationException("The champion changed during the swap run.");
            var swap = Stopwatch.StartNew();
            await PredictBenchmark.WaitForChampionAsync(http, swapped.Version);
            var servedAfter = swap.Elapsed.TotalSeconds;
            var during = await load;

            return new
            {
                benchmark = "predict-load",
                model = model.Manifest.Version,
                generator = "wrk",
                connections,
                seconds,
                steady,
                swap = new { during, to = swapped.Version, servedAfterSeconds = Math.Round(servedAfter, 2) },
            };
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<WrkResult> RunWrkAsync(string wrk, string script, string url, int connections, int seconds)
    {
        var start = new ProcessStartInfo(wrk) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-t2", $"-c{connections}", $"-d{seconds}s", "--latency", "-s", script, $"{url}/api/predict" })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {await process.StandardError.ReadToEndAsync()}{output}");
        return WrkResult.Parse(output);
    }
}

/// <summary>What wrk printed: throughput, latency percentiles, and every request that did not get a 2xx.</summary>
internal sealed partial record WrkResult(long Requests, double RequestsPerSecond, double P50Ms, double P90Ms, double P99Ms, long Non2xx, long SocketErrors)
{
    public static WrkResult Parse(string output)
    {
        double Latency(string percentile) => Milliseconds(Regex.Match(output, $@"^\s*{percentile}%\s+(\S+)", RegexOptions.Multiline));
        var socket = SocketErrorsPattern().Match(output);
        return new WrkResult(
            long.Parse(RequestsPattern().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
            Math.Round(double.Parse(RatePattern().Match(output).Groups[1].Value, CultureInfo.InvariantCulture), 1),
            Latency("50"), Latency("90"), Latency("99"),
            NonSuccessPattern().Match(output) is { Success: true } non ? long.Parse(non.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            socket.Success ? Enumerable.Range(1, 4).Sum(g => long.Parse(socket.Groups[g].Value, CultureInfo.InvariantCulture)) : 0);
    }

    private static double Milliseconds(Match match)
    {
        if (!match.Success) throw new FormatException("wrk printed no latency distribution.");
        var text = match.Groups[1].Value;
        var unit = text.TrimStart("0123456789.".ToCharArray());
        var value = double.Parse(text[..^unit.Length], CultureInfo.InvariantCulture);
        return Math.Round(unit switch { "us" => value / 1000, "ms" => value, "s" => value * 1000, _ => throw new FormatException($"unit '{unit}'") }, 3);
    }

    [GeneratedRegex(@"(\d+) requests in")] private static partial Regex RequestsPattern();
    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")] private static partial Regex RatePattern();
    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")] private static partial Regex NonSuccessPattern();
    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")] private static partial Regex SocketErrorsPattern();
}
