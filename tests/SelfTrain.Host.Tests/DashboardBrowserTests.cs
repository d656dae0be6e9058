using Microsoft.Playwright;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

/// <summary>
/// The dashboard in a real browser (Debian's headless Chromium, driven by Playwright) against a host with a champion
/// and one finished round: what an operator sees, on a laptop and on a phone. Screenshots go to the test output's
/// <c>screenshots/</c> folder.
/// </summary>
public sealed class DashboardBrowserTests
{
    /// <summary>Debian's package by default; <c>SELFTRAIN_CHROMIUM</c> names another build.</summary>
    private static readonly string Chromium = Environment.GetEnvironmentVariable("SELFTRAIN_CHROMIUM") ?? "/usr/bin/chromium";

    [Fact]
    public async Task An_operator_sees_the_champion_the_round_s_decision_and_its_plots()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: ./scripts/test.sh installs Debian's chromium.");
        await using var fixture = await HostFixture.CreateAsync(kestrel: true);
        using var client = new HttpClient { BaseAddress = new Uri(fixture.Url) };
        await RoundScenario.SeedAsync(fixture, client);

        var result = await RoundScenario.CompleteRoundAsync(fixture, client,
            new { epochs = 15, batchSize = 64, targetPrecision = 0.8, trainingTimeout = "00:05:00", partitionsPerGroup = 3 });
        var promoted = result.GetProperty("promoted").GetBoolean();
        var candidate = result.GetProperty("candidate").GetString()!;
        var champion = promoted ? candidate : "champion-a";
        await fixture.WaitForChampionAsync(client, champion);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
        var screenshots = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

        var laptop = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var response = await laptop.GotoAsync(fixture.Url + "/");
        Assert.Equal(200, response!.Status);
        Assert.Equal(champion, await laptop.GetByTestId("champion-version").InnerTextAsync());
        // The label table, counted: every pool image, none quarantined.
        Assert.Equal($"{RoundScenario.Pool} images labelled, 0 quarantined", await laptop.GetByTestId("label-census").InnerTextAsync());
        var decision = await laptop.GetByTestId("round-decision").InnerTextAsync();
        Assert.StartsWith(promoted ? $"Promoted {candidate} over champion-a" : "Kept champion-a", decision);
        // Every plot the round wrote has loaded and decoded: the browser knows its pixel width.
        var plots = laptop.GetByTestId("plot");
        Assert.Equal(5, await plots.CountAsync());
        foreach (var plot in await plots.AllAsync())
            Assert.Equal(900, await plot.EvaluateAsync<int>("img => img.complete ? img.naturalWidth : 0"));
        await laptop.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "dashboard.png"), FullPage = true });

        // On a phone the page fits the screen's width: nothing to scroll sideways but the tables' own boxes.
        var phone = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true });
        await phone.GotoAsync(fixture.Url + "/");
        Assert.Equal(champion, await phone.GetByTestId("champion-version").InnerTextAsync());
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "the page is wider than a phone's screen");
        await phone.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "dashboard-phone.png"), FullPage = true });
    }
}
