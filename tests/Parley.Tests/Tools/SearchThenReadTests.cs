using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Parley.Tools;
using Xunit;
using static Parley.Tests.Tools.ScriptedChatClient;

namespace Parley.Tests.Tools;

/// <summary>
/// The catalog's real tools in the loop: a model searches (fake SearxNG), reads the first result (a local page),
/// and answers; both servers are reachable only through the allowlist.
/// </summary>
public sealed class SearchThenReadTests
{
    [Fact]
    public async Task ModelSearchesThenReadsTheFirstResultThenAnswers()
    {
        await using var site = await LocalServer.StartAsync(async context =>
        {
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html><body><nav>menu</nav><main><h1>Release notes</h1><p>Parley 1.0 ships tools.</p></main></body></html>");
        });
        await using var searx = await LocalServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$"""
                {"query":"{{context.Request.Query["q"]}}","results":[{"url":"{{site.Url("/notes")}}","title":"Parley notes","content":"What shipped"}]}
                """);
        });
        var options = new ToolsOptions
        {
            AllowedNetworks = [$"127.0.0.1:{site.Port}", $"127.0.0.1:{searx.Port}"],
            WebSearch = { Backend = "searxng", BaseUrl = searx.Url().ToString() },
        };
        using var catalog = new ToolCatalog(Options.Create(options));

        var model = new ScriptedChatClient()
            .ThenCall(Call("web_search", "c1", new { query = "parley release" }))
            .Then((messages, _, _) =>
            {
                // Read the URL the search returned, as a model would.
                var found = (string)((FunctionResultContent)messages[^1].Contents[0]).Result!;
                var url = found.Split('\n').First(l => l.TrimStart().StartsWith("URL: ", StringComparison.Ordinal)).Trim()[5..];
                return Task.FromResult(Response(new ChatMessage(ChatRole.Assistant, [Call("read_web_page", "c2", new { url })]), 10, 2));
            })
            .ThenText("Parley 1.0 ships tools.");
        using var client = new ParleyFunctionInvokingChatClient(model);

        var updates = new List<ChatResponseUpdate>();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var update in client.GetStreamingResponseAsync([new(ChatRole.User, "search and summarise")], new ChatOptions { Tools = catalog.GetTools() }, bound.Token))
            updates.Add(update);

        var results = updates.SelectMany(u => u.Contents).OfType<FunctionResultContent>().Select(r => (string)r.Result!).ToList();
        Assert.Equal(2, results.Count);
        Assert.Contains($"URL: {site.Url("/notes")}", results[0], StringComparison.Ordinal);
        Assert.Contains("# Release notes\n\nParley 1.0 ships tools.", results[1], StringComparison.Ordinal);
        Assert.DoesNotContain("menu", results[1], StringComparison.Ordinal);
        Assert.Equal(["Searching the web for \"parley release\"", $"Reading {site.Url("/notes")}"],
            updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().Select(ToolDisplay.GetAction));
        Assert.EndsWith("Parley 1.0 ships tools.", updates.ToChatResponse().Messages[^1].Text, StringComparison.Ordinal);
        Assert.Equal(1, searx.Hits);
        Assert.Equal(1, site.Hits);
    }
}
