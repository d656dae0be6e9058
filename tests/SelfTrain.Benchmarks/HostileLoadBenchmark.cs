using System.Net.Http.Headers;
using SkiaSharp;

namespace SelfTrain.Benchmarks;

/// <summary>
/// The memory of the running local host under a burst of concurrent <c>POST /api/predict</c> of huge single-colour
/// PNGs (a few hundred kilobytes each that decode to side² × 4 bytes), for each side asked: resident memory before
/// and at its peak, and the answers' status codes.
/// </summary>
internal static class HostileLoadBenchmark
{
    public static async Task<object> RunAsync(BenchModel model, string url, string storage, int hostProcessId, int requests, int[] sides)
    {
        await PredictBenchmark.RegisterChampionAsync(model, storage);
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
        await PredictBenchmark.WaitForChampionAsync(http, model.Manifest.Version);
        await PredictBenchmark.PostAsync(http, BenchModel.Pngs(1)[0]); // warm-up: the model's first run

        var bursts = new List<object>();
        foreach (var side in sides)
        {
            var png = SolidPng(side);
            var memory = new ResidentMemory(hostProcessId);
            var statuses = await Task.WhenAll(Enumerable.Range(0, requests).Select(async _ =>
            {
                using var content = new ByteArrayContent(png);
                content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                using var response = await http.PostAsync("/api/predict", content);
                return (int)response.StatusCode;
            }));
            await memory.DisposeAsync();
            bursts.Add(new
            {
                side,
                pngBytes = png.Length,
                decodedMbEach = ResidentMemory.Megabytes((long)side * side * 4),
                statuses = statuses.GroupBy(s => s).ToDictionary(g => g.Key.ToString(), g => g.Count()),
                baselineRssMb = ResidentMemory.Megabytes(memory.Baseline),
                peakRssMb = ResidentMemory.Megabytes(memory.Peak),
                peakOverBaselineMb = ResidentMemory.Megabytes(memory.Peak - memory.Baseline),
            });
        }
        return new { benchmark = "memory", model = model.Manifest.Version, requests, bursts };
    }

    private static byte[] SolidPng(int side)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(side, side, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(new SKColor(128, 128, 128));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
