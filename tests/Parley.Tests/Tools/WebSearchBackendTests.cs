using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Parley.Tools;
using Xunit;

namespace Parley.Tests.Tools;

/// <summary>Each search backend against a local fake answering in that API's real JSON shape.</summary>
public sealed class WebSearchBackendTests
{
    private sealed record Seen(string Method, string Path, string Query, Dictionary<string, string> Headers, string Body);

    private static async Task<(LocalServer Server, List<Seen> Seen)> FakeAsync(string json, int status = 200)
    {
        var seen = new List<Seen>();
        var server = await LocalServer.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            lock (seen)
                seen.Add(new Seen(context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "",
                    context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(json);
        });
        return (server, seen);
    }

    private static HttpClient Http(LocalServer server) =>
        GuardedHttp.CreateClient(new AddressPolicy([$"127.0.0.1:{server.Port}"]), TimeSpan.FromSeconds(5));

    [Fact]
    public async Task SearxNGSendsTheQueryAndReadsResults()
    {
        const string json = """
            {"query":"parley chat","number_of_results":2,
             "results":[
               {"url":"https://parley.dev/","title":"Parley","content":"A self-hosted <b>chat</b> server.","engine":"duckduckgo","score":1.5},
               {"url":"https://example.org/b","title":"Second &amp; more","content":"Snippet two","engines":["bing"]},
               {"title":"no url, skipped"},
               {"url":"https://example.org/c","title":"Third","content":"Snippet three"}],
             "answers":[],"suggestions":[],"unresponsive_engines":[]}
            """;
        var (server, seen) = await FakeAsync(json);
        await using var _ = server;
        var backend = new SearxNGSearchBackend(Http(server), new Uri($"http://127.0.0.1:{server.Port}/searx/"));

        var results = await backend.SearchAsync("parley chat", 2);

        var request = Assert.Single(seen);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/searx/search", request.Path);
        Assert.Contains("q=parley%20chat", request.Query, StringComparison.Ordinal);
        Assert.Contains("format=json", request.Query, StringComparison.Ordinal);
        Assert.Equal(
            [new WebSearchResult("Parley", "https://parley.dev/", "A self-hosted chat server."), new WebSearchResult("Second & more", "https://example.org/b", "Snippet two")],
            results);
    }

    [Fact]
    public async Task BraveSendsTheSubscriptionTokenAndReadsWebResults()
    {
        const string json = """
            {"type":"search","query":{"original":"dotnet 10","more_results_available":true},
             "mixed":{"type":"mixed","main":[{"type":"web","index":0,"all":false}]},
             "web":{"type":"search","family_friendly":true,"results":[
               {"type":"search_result","title":"What's new in <strong>.NET 10</strong>","url":"https://learn.microsoft.com/dotnet/core/whats-new/dotnet-10",
                "is_source_local":false,"description":"Learn about the new features in <strong>.NET 10</strong>.","page_age":"2025-11-11T00:00:00","language":"en",
                "profile":{"name":"Microsoft Learn","url":"https://learn.microsoft.com"},"meta_url":{"scheme":"https","netloc":"learn.microsoft.com"}}]}}
            """;
        var (server, seen) = await FakeAsync(json);
        await using var _ = server;
        var backend = new BraveSearchBackend(Http(server), "brave-key", new Uri($"http://127.0.0.1:{server.Port}/res/v1/"));

        var results = await backend.SearchAsync("dotnet 10", 3);

        var request = Assert.Single(seen);
        Assert.Equal("/res/v1/web/search", request.Path);
        Assert.Contains("q=dotnet%2010", request.Query, StringComparison.Ordinal);
        Assert.Contains("count=3", request.Query, StringComparison.Ordinal);
        Assert.Equal("brave-key", request.Headers["X-Subscription-Token"]);
        var result = Assert.Single(results);
        Assert.Equal("What's new in .NET 10", result.Title);
        Assert.Equal("Learn about the new features in .NET 10.", result.Snippet);
    }

    [Fact]
    public async Task TavilyPostsJsonWithTheKeyAndReadsResults()
    {
        const string json = """
            {"query":"who won","follow_up_questions":null,"answer":null,"images":[],
             "results":[{"url":"https://news.example/a","title":"Final result","content":"Team A won 2-1.","score":0.98,"raw_content":null}],
             "response_time":"1.67","request_id":"123e4567-e89b-12d3-a456-426614174111"}
            """;
        var (server, seen) = await FakeAsync(json);
        await using var _ = server;
        var backend = new TavilySearchBackend(Http(server), "tvly-key", new Uri($"http://127.0.0.1:{server.Port}/"));

        var results = await backend.SearchAsync("who won", 4);

        var request = Assert.Single(seen);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/search", request.Path);
        Assert.Equal("Bearer tvly-key", request.Headers["Authorization"]);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("who won", body.RootElement.GetProperty("query").GetString());
        Assert.Equal(4, body.RootElement.GetProperty("max_results").GetInt32());
        Assert.Equal([new WebSearchResult("Final result", "https://news.example/a", "Team A won 2-1.")], results);
    }

    [Theory]
    [InlineData(401, "Error: Brave Search rejected Parley's API key (HTTP 401).")]
    [InlineData(429, "Error: Brave Search is rate limiting searches (HTTP 429); try again later.")]
    [InlineData(500, "Error: Brave Search answered HTTP 500.")]
    public async Task BackendErrorsBecomeErrorTextForTheModel(int status, string expected)
    {
        var (server, _) = await FakeAsync("""{"type":"ErrorResponse","error":{"code":"SUBSCRIPTION_TOKEN_INVALID","status":401}}""", status);
        await using var _s = server;
        var tool = new WebSearchTool(new BraveSearchBackend(Http(server), "bad", new Uri($"http://127.0.0.1:{server.Port}/")));

        Assert.Equal(expected, await tool.SearchTextAsync("x"));
    }

    [Fact]
    public async Task BackendOnLoopbackIsRefusedUnlessAllowlisted()
    {
        var (server, seen) = await FakeAsync("""{"results":[]}""");
        await using var _ = server;
        var http = GuardedHttp.CreateClient(new AddressPolicy(), TimeSpan.FromSeconds(5));
        var tool = new WebSearchTool(new SearxNGSearchBackend(http, new Uri($"http://127.0.0.1:{server.Port}/")));

        var text = await tool.SearchTextAsync("x");

        Assert.Equal("Error: SearxNG is at a restricted address (loopback); an administrator must allow it in Parley:Tools:AllowedNetworks.", text);
        Assert.Empty(seen);
    }

    [Fact]
    public void FormatsResultsAsNumberedText()
    {
        var text = WebSearchTool.Format("q", [new("A", "https://a/", "first"), new("B", "https://b/", "")]);

        Assert.Equal("Results for \"q\":\n\n1. A\n   URL: https://a/\n   first\n\n2. B\n   URL: https://b/", text);
        Assert.Equal("No results for \"q\".", WebSearchTool.Format("q", []));
    }

    [Fact]
    public void CreatesTheConfiguredBackend()
    {
        using var http = new HttpClient();
        Assert.Null(WebSearchBackends.Create(new WebSearchToolOptions(), http));
        Assert.IsType<SearxNGSearchBackend>(WebSearchBackends.Create(new WebSearchToolOptions { Backend = "SearxNG", BaseUrl = "http://searx.lan:8080" }, http));
        Assert.IsType<BraveSearchBackend>(WebSearchBackends.Create(new WebSearchToolOptions { Backend = "brave", ApiKey = "k" }, http));
        Assert.IsType<TavilySearchBackend>(WebSearchBackends.Create(new WebSearchToolOptions { Backend = "tavily", ApiKey = "k" }, http));
        Assert.Throws<InvalidOperationException>(() => WebSearchBackends.Create(new WebSearchToolOptions { Backend = "brave" }, http));
        Assert.Throws<InvalidOperationException>(() => WebSearchBackends.Create(new WebSearchToolOptions { Backend = "searxng" }, http));
        Assert.Throws<InvalidOperationException>(() => WebSearchBackends.Create(new WebSearchToolOptions { Backend = "bing" }, http));
    }
}
