using System.Net;
using System.Net.Http.Json;
using SelfTrain.Testing;

namespace SelfTrain.Host.Tests;

/// <summary>The dashboard as a client reads it: its states, its headers, and what it does with hostile text.</summary>
public sealed class DashboardEndpointTests
{
    [Fact]
    public async Task Before_any_champion_or_round_the_page_says_so_and_loads_nothing_from_elsewhere()
    {
        await using var fixture = await HostFixture.CreateAsync();
        var client = fixture.Factory.CreateClient();

        using var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode} {html}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("data-testid=\"champion-version\">none yet<", html);
        Assert.Contains("No round yet", html);
        Assert.Contains("data-testid=\"label-census\"><strong>0</strong> images labelled, <strong>0</strong> quarantined<", html);
        // No script, and nothing fetched from anywhere: the policy allows only inline styles and data: images.
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Attack_markup_in_a_promotion_reason_or_a_round_report_is_shown_as_text_and_a_broken_report_breaks_nothing()
    {
        await using var fixture = await HostFixture.CreateAsync();
        var client = fixture.Factory.CreateClient();
        await fixture.Models.RegisterChampionAsync(new LinearTestModel("dash-a"));
        await fixture.Models.SaveAsync(new LinearTestModel("dash-b").Onnx, new LinearTestModel("dash-b").Manifest);
        const string Hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>";
        using var promoted = await client.PostAsJsonAsync("/api/models/dash-b/promote", new { reason = Hostile });
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);

        // A report as a round writes it, its reasons hostile; and one that is not a report at all.
        var runs = fixture.Scope.Account.Blobs.GetBlobContainerClient(fixture.Scope.Layout.Runs);
        await runs.CreateIfNotExistsAsync();
        await runs.GetBlobClient("round-x-r1/round-report.json").UploadAsync(BinaryData.FromString(
            $$$"""{"round":1,"teacher":"dash-a","candidate":"student-x","promoted":false,"reasons":["{{{Hostile}}}"],"phaseSeconds":{"plan":1.5,"train":3}}"""));
        await runs.GetBlobClient("round-y-r1/round-report.json").UploadAsync(BinaryData.FromString("{ not json"));

        var html = await client.GetStringAsync("/");

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img src=x", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("data-testid=\"champion-version\">dash-b<", html);
        Assert.Contains("round-x-r1", html);
        Assert.Contains("Kept dash-a; candidate student-x was not promoted.", html);
        Assert.Contains("unreadable report", html);
        Assert.Contains("plan 2 s · train 3 s", html);
    }
}
