using System.Net;
using System.Net.Http.Headers;
using SelfTrain.Storage;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

/// <summary>A burst that asks for far more memory than the host has must cost its reduced size and a queue, not the host.</summary>
public sealed class HostileLoadTests
{
    /// <summary>
    /// What the burst may add to the host's resident memory: under a third of a Flex Consumption instance's 2 GB. With
    /// the default 256 MB decode budget it added 300–410 MB on 2 cores (the budget's images plus what the native
    /// allocator keeps); decoded all at once, the 32 images would need 2.9 GB.
    /// </summary>
    private const long BoundBytes = 640L * 1024 * 1024;

    [Fact]
    public async Task Attack_32_concurrent_4800_square_single_colour_PNGs_stay_within_the_memory_bound_and_all_get_answers()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        await new ModelStore(scope.Account, scope.Layout).RegisterChampionAsync(new LinearTestModel("v1"));
        using var host = new HostProcess(scope.Layout.Prefix, scope.Layout.LabelPartitions);
        using var http = new HttpClient { BaseAddress = new Uri(host.Url), Timeout = TimeSpan.FromMinutes(2) };
        await host.WaitUntilServingAsync(http, "v1");
        var png = TestImages.SolidPng(4800, 4800); // 23 MP: just under the 24 MP limit
        Assert.InRange(png.Length, 1, 200_000); // a few hundred kilobytes on the wire

        using (var warmUp = await PostAsync(http, TestImages.Png(8, 8, seed: 1))) Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        var baseline = host.ResidentBytes();
        var peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, host.ResidentBytes());
                await Task.Delay(10);
            }
        });
        var answers = await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
        {
            using var response = await PostAsync(http, png);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));
        await sampling.CancelAsync();
        await sampler;

        Assert.All(answers, answer => Assert.True(answer.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{answer.StatusCode}: {answer.Body}"));
        Assert.Contains(HttpStatusCode.OK, answers.Select(a => a.StatusCode));
        Assert.True(peak - baseline < BoundBytes,
            $"the burst raised resident memory from {baseline / 1048576} MB to {peak / 1048576} MB (bound +{BoundBytes / 1048576} MB)\n{host.Output}");
    }

    [Fact]
    public async Task Attack_an_image_over_the_pixel_limit_is_refused_from_its_header_naming_the_limit()
    {
        await using var scope = await AzuriteStorage.CreateScopeAsync();
        await new ModelStore(scope.Account, scope.Layout).RegisterChampionAsync(new LinearTestModel("v1"));
        using var host = new HostProcess(scope.Layout.Prefix, scope.Layout.LabelPartitions);
        using var http = new HttpClient { BaseAddress = new Uri(host.Url) };
        await host.WaitUntilServingAsync(http, "v1");

        using var response = await PostAsync(http, TestImages.BmpHeader(6300, 6300));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Serving:MaxImagePixels", await response.Content.ReadAsStringAsync());
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, byte[] png)
    {
        var content = new ByteArrayContent(png);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return await http.PostAsync("/api/predict", content);
    }
}
