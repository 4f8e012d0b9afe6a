using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parley.Library;
using Parley.Tests.Support;

namespace Parley.Tests.Library;

/// <summary>A .NET developer's handler behind Parley's real server and APIs (seed 003's gptchat).</summary>
public sealed class LibraryModeTests
{
    private static async Task<(WebApplication App, HttpClient Client)> StartAsync(ChatHandler handler, Action<Parley.Configuration.ParleyOptions>? configure = null)
    {
        var parley = ParleyApp.Create([], new Dictionary<string, string?>());
        parley.Builder.Logging.ClearProviders();
        parley.Builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Parley:DataDirectory"] = Path.Combine(Path.GetTempPath(), "parley-library-tests", Guid.NewGuid().ToString("N")),
        });
        parley.Builder.WebHost.UseUrls("http://127.0.0.1:0");
        parley.OnMessage(handler);
        if (configure is not null)
            parley.Configure(configure);
        var app = parley.Build();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(20) });
    }

    [Fact]
    public async Task Deltas_with_one_id_merge_into_one_streamed_reply()
    {
        IReadOnlyList<ChatMessage>? seen = null;
        var (app, client) = await StartAsync(async (chat, ct) =>
        {
            seen = chat.Messages;
            var id = chat.NewMessageId();
            foreach (var word in new[] { "You ", "said: ", chat.Messages[^1].Text })
                await chat.UpdateAsync(word, id, ct);
        });
        await using (app)
        {
            var models = await client.GetFromJsonAsync<JsonElement>("/v1/models");
            Assert.Equal("app/handler", models.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("is_default").GetBoolean()).GetProperty("id").GetString());

            var created = await client.PostAsJsonAsync("/api/conversations", new { systemPrompt = "be nice" });
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
            var stream = await Sse.PostAsync(client, $"/api/conversations/{id}/messages", new { content = "hello" });

            Assert.Equal("You said: hello", stream.Text);
            Assert.Equal(3, stream.OfType("text").Count());
            Assert.Equal([ChatRole.System, ChatRole.User], seen!.Select(m => m.Role));
            var stored = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
            Assert.Equal("You said: hello", stored.GetProperty("messages")[1].GetProperty("text").GetString());
            Assert.Equal("app/handler", stored.GetProperty("messages")[1].GetProperty("model").GetString());
        }
    }

    [Fact]
    public async Task Tool_calls_the_handler_made_show_as_cards_and_are_not_run_again()
    {
        var calls = 0;
        var (app, client) = await StartAsync(async (chat, ct) =>
        {
            Interlocked.Increment(ref calls);
            await chat.ToolCallAsync("get_stock_price", new Dictionary<string, object?> { ["symbol"] = "MSFT" }, "512.30", ct);
            await chat.UpdateAsync("MSFT trades at 512.30.", cancellationToken: ct);
        }, o => o.FunctionHeaders["get_stock_price"] = "Fetching **stock price**...");
        await using (app)
        {
            var stream = await Sse.PostAsync(client, "/api/chat", new { message = "msft?" });

            Assert.Equal("get_stock_price", stream.OfType("tool_start").Single().GetProperty("content").GetProperty("name").GetString());
            Assert.Equal("512.30", stream.OfType("tool_end").Single().GetProperty("content").GetProperty("result").GetString());
            Assert.Contains("MSFT trades at 512.30.", stream.Text);
            Assert.Equal(1, calls);
            var config = await client.GetFromJsonAsync<JsonElement>("/api/config");
            Assert.Equal("Fetching **stock price**...", config.GetProperty("functions").GetProperty("get_stock_price").GetString());
        }
    }

    [Fact]
    public async Task A_throwing_handler_shows_an_error_and_the_app_keeps_running()
    {
        var fail = true;
        var (app, client) = await StartAsync(async (chat, ct) =>
        {
            await chat.UpdateAsync("partial ", "m1", ct);
            if (fail)
                throw new InvalidOperationException("database is down");
            await chat.UpdateAsync("fine", "m1", ct);
        });
        await using (app)
        {
            var failed = await Sse.PostAsync(client, "/api/chat", new { message = "x" });
            Assert.Contains("database is down", failed.OfType("error").Single().GetProperty("content").GetString());
            Assert.Equal("partial ", failed.Text);

            fail = false;
            var ok = await Sse.PostAsync(client, "/api/chat", new { message = "x" });
            Assert.Equal("partial fine", ok.Text);
        }
    }

    [Fact]
    public void Concat_folds_streamed_updates_with_tool_calls_into_one_message()
    {
        ChatResponseUpdate[] updates =
        [
            new(ChatRole.Assistant, "Let me ") { MessageId = "m" },
            new(ChatRole.Assistant, "check.") { MessageId = "m" },
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "lookup", new Dictionary<string, object?> { ["q"] = "x" })]) { MessageId = "m" },
            new(ChatRole.Assistant, [new UsageContent(new UsageDetails { TotalTokenCount = 9 })]) { MessageId = "m" },
        ];

        var message = ChatStreams.Concat(updates);

        Assert.Equal("Let me check.", message.Text);
        Assert.Equal("lookup", message.Contents.OfType<FunctionCallContent>().Single().Name);
        Assert.Equal(ChatRole.Assistant, message.Role);
    }
}

public sealed class LibraryReadmeTests
{
    [Fact]
    public void The_readme_shows_the_code_the_sample_really_runs()
    {
        var root = Operations.ConfigurationReferenceTests.RepositoryRoot();
        var sample = File.ReadAllText(Path.Combine(root, "samples", "HelloHandler", "Program.cs")).ReplaceLineEndings("\n");
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        Assert.Contains("```csharp\n" + sample + "```", readme);
    }
}
