using System.Text;
using Microsoft.AspNetCore.Http;
using Parley.Tools;
using Xunit;

namespace Parley.Tests.Tools;

/// <summary>read_web_page against local Kestrel servers; every connection stays on loopback.</summary>
public sealed class WebPageReaderTests
{
    private const string Page = """
        <!doctype html>
        <html><head><title>Parley   Docs</title><style>body { color: red }</style>
        <script>window.evil = function() { steal(); }</script></head>
        <body>
          <header><a href="/">Home</a> Site header</header>
          <nav><ul><li><a href="/a">Nav link</a></li></ul></nav>
          <main>
            <h1>Getting started</h1>
            <p>Parley is a <b>self-hosted</b>
               chat server.</p>
            <h2>Features</h2>
            <ul><li>Tools</li><li>Streaming with <a href="/docs/sse?x=1">SSE</a></li></ul>
            <p>See <a href="https://example.org/x">the spec</a> and <a href="javascript:alert(1)">this</a>.</p>
            <script>document.write("injected")</script>
            <form><input value="secret-form"></form>
          </main>
          <aside>Related: ads</aside>
          <footer>Copyright footer</footer>
        </body></html>
        """;

    private static WebPageReader Reader(AddressPolicy policy, ReadWebPageToolOptions? options = null) =>
        new(GuardedHttp.CreateClient(policy, TimeSpan.FromSeconds(10)), options ?? new ReadWebPageToolOptions { TimeoutSeconds = 5 });

    private static AddressPolicy Allow(LocalServer server) => new([$"127.0.0.1:{server.Port}"]);

    private static RequestDelegate Respond(string contentType, string body) => async context =>
    {
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body);
    };

    [Fact]
    public async Task ReturnsReadableMainTextWithHeadingsListsAndAbsoluteLinks()
    {
        await using var server = await LocalServer.StartAsync(Respond("text/html; charset=utf-8", Page));

        var text = await Reader(Allow(server)).ReadTextAsync(server.Url("/docs/start").ToString());

        Assert.StartsWith($"Title: Parley Docs\nURL: {server.Url("/docs/start")}\n\n# Getting started\n\nParley is a self-hosted chat server.\n\n## Features\n\n- Tools\n- Streaming with [SSE]({server.Url("/docs/sse?x=1")})", text, StringComparison.Ordinal);
        Assert.Contains("See [the spec](https://example.org/x) and this.", text, StringComparison.Ordinal);
        foreach (var absent in new[] { "steal", "injected", "color", "Site header", "Nav link", "ads", "footer", "secret-form", "javascript" })
            Assert.DoesNotContain(absent, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReturnsPlainTextAsIs()
    {
        await using var server = await LocalServer.StartAsync(Respond("text/plain", "line one\n<b>not html</b>\n"));

        var text = await Reader(Allow(server)).ReadTextAsync(server.Url("/notes.txt").ToString());

        Assert.Equal($"URL: {server.Url("/notes.txt")}\n\nline one\n<b>not html</b>", text);
    }

    [Theory]
    [InlineData("application/pdf", "is a PDF document; Parley cannot read PDFs")]
    [InlineData("image/png", "is image/png, not a web page or text")]
    [InlineData("application/octet-stream", "is application/octet-stream, not a web page or text")]
    public async Task RefusesPdfAndOtherNonTextTypes(string contentType, string expected)
    {
        await using var server = await LocalServer.StartAsync(Respond(contentType, "%PDF-1.7 binary"));

        var text = await Reader(Allow(server)).ReadTextAsync(server.Url("/file").ToString());

        Assert.StartsWith("Error: ", text, StringComparison.Ordinal);
        Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopsReadingAtTheSizeCapEvenWhenTheBodyNeverEnds()
    {
        await using var server = await LocalServer.StartAsync(async context =>
        {
            context.Response.ContentType = "text/plain";
            var chunk = Encoding.UTF8.GetBytes(new string('a', 8192));
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            bound.CancelAfter(TimeSpan.FromSeconds(8));
            try
            {
                while (!bound.IsCancellationRequested)
                    await context.Response.Body.WriteAsync(chunk, bound.Token);
            }
            catch (OperationCanceledException)
            {
                // The reader hung up, as it should.
            }
        });

        var text = await Reader(Allow(server), new ReadWebPageToolOptions { MaxBytes = 20_000, TimeoutSeconds = 5 })
            .ReadTextAsync(server.Url("/endless").ToString());

        Assert.EndsWith("[Page truncated: only the first 20000 bytes were read.]", text, StringComparison.Ordinal);
        Assert.Equal(20_000, text[..text.IndexOf("\n\n[Page truncated", StringComparison.Ordinal)].Count(c => c == 'a'));
    }

    [Fact]
    public async Task FollowsRedirectsUpToTheLimit()
    {
        await using var server = await LocalServer.StartAsync(async context =>
        {
            var n = int.Parse(context.Request.Path.Value!.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
            if (n < 10)
            {
                context.Response.Redirect($"/r/{n + 1}");
                return;
            }

            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("arrived");
        });
        var reader = Reader(Allow(server), new ReadWebPageToolOptions { MaxRedirects = 3, TimeoutSeconds = 5 });

        Assert.EndsWith("arrived", await reader.ReadTextAsync(server.Url("/r/7").ToString()), StringComparison.Ordinal);
        Assert.Equal(4, server.Hits);

        var refused = await reader.ReadTextAsync(server.Url("/r/0").ToString());
        Assert.Equal($"Error: {server.Url("/r/3")} redirected more than 3 times; stopped following.", refused);
        Assert.Equal(8, server.Hits);
    }

    [Fact]
    public async Task GivesUpOnASlowServerAtTheTimeLimit()
    {
        await using var server = await LocalServer.StartAsync(async context => await Task.Delay(TimeSpan.FromSeconds(8), context.RequestAborted));

        var text = await Reader(Allow(server), new ReadWebPageToolOptions { TimeoutSeconds = 1 }).ReadTextAsync(server.Url("/slow").ToString());

        Assert.Equal($"Error: {server.Url("/slow")} did not answer within 1 seconds.", text);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://example.org/x")]
    [InlineData("gopher://127.0.0.1:70/")]
    [InlineData("/relative/path")]
    [InlineData("")]
    public async Task RefusesNonHttpUrls(string url)
    {
        var text = await Reader(new AddressPolicy()).ReadTextAsync(url);

        Assert.Equal("Error: give an absolute http:// or https:// URL.", text);
    }

    [Fact]
    public async Task RefusesRedirectsToOtherSchemes()
    {
        await using var server = await LocalServer.StartAsync(context =>
        {
            context.Response.Redirect("file:///etc/passwd");
            return Task.CompletedTask;
        });

        var text = await Reader(Allow(server)).ReadTextAsync(server.Url("/").ToString());

        Assert.Equal($"Error: {server.Url("/")} redirected to a non-http address (file:), which Parley does not follow.", text);
    }
}
