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
using Parley.Tests.Fakes;
using Parley.Tests.Support;

namespace Parley.Tests.Library;

/// <summary>Seed 003 (gptchat) as its README uses it: message ids, preloaded messages, app.new_id(), a handler calling a model.</summary>
public sealed class LibrarySeedTests
{
    private static async Task<(WebApplication App, HttpClient Client)> StartAsync(
        Func<ParleyApp, ChatHandler> handler, Action<Parley.Configuration.ParleyOptions>? configure = null, Dictionary<string, string?>? environment = null)
    {
        var parley = ParleyApp.Create([], environment ?? new Dictionary<string, string?>());
        parley.Builder.Logging.ClearProviders();
        parley.Builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Parley:DataDirectory"] = Path.Combine(Path.GetTempPath(), "parley-library-tests", Guid.NewGuid().ToString("N")),
        });
        parley.Builder.WebHost.UseUrls("http://127.0.0.1:0");
        parley.OnMessage(handler(parley));
        if (configure is not null)
            parley.Configure(configure);
        var app = parley.Build();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(20) });
    }

    private static async Task<JsonElement> SendAsync(HttpClient client, string content)
    {
        var created = await client.PostAsJsonAsync("/api/conversations", new { });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        await Sse.PostAsync(client, $"/api/conversations/{id}/messages", new { content });
        return await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
    }

    [Fact]
    public async Task Deltas_with_different_ids_make_different_messages_even_interleaved()
    {
        var (app, client) = await StartAsync(_ => async (chat, ct) =>
        {
            var a = chat.NewMessageId();
            var b = chat.NewMessageId();
            await chat.UpdateAsync("first-A ", a, ct);
            await chat.UpdateAsync("first-B", b, ct);
            await chat.UpdateAsync("second-A", a, ct);
        });
        await using (app)
        {
            var conversation = await SendAsync(client, "go");

            Assert.Equal("first-A second-A\n\nfirst-B", conversation.GetProperty("messages")[1].GetProperty("text").GetString());
        }
    }

    [Fact]
    public async Task A_whole_message_needs_no_id_and_the_app_hands_out_new_ids()
    {
        var ids = new List<string>();
        var (app, client) = await StartAsync(parley => async (chat, ct) =>
        {
            await chat.UpdateAsync("hi", ct);
            var id = ParleyApp.NewMessageId();
            ids.Add(id);
            ids.Add(ParleyApp.NewMessageId());
            ids.Add(chat.NewMessageId());
            await chat.UpdateAsync("there", id, ct);
        });
        await using (app)
        {
            var conversation = await SendAsync(client, "go");

            Assert.Equal("hi\n\nthere", conversation.GetProperty("messages")[1].GetProperty("text").GetString());
            Assert.Equal(3, ids.Distinct().Count());
        }
    }

    [Fact]
    public async Task Preloaded_messages_are_part_of_the_conversation_the_handler_and_model_see()
    {
        IReadOnlyList<ChatMessage>? seen = null;
        var (app, client) = await StartAsync(_ => async (chat, ct) =>
        {
            seen = chat.Messages;
            await chat.UpdateAsync($"I see {chat.Messages.Count} messages", ct);
        }, options =>
        {
            options.PreloadedMessages.Add(new() { Role = "user", Content = "Hello, how are you?" });
            options.PreloadedMessages.Add(new() { Role = "assistant", Content = "I'm doing great, how can I help you today?" });
        });
        await using (app)
        {
            var conversation = await SendAsync(client, "Tell me a joke");

            Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.User], seen!.Select(m => m.Role));
            Assert.Equal(["Hello, how are you?", "I'm doing great, how can I help you today?", "Tell me a joke"], seen!.Select(m => m.Text));
            var stored = conversation.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()).ToList();
            Assert.Equal(["Hello, how are you?", "I'm doing great, how can I help you today?", "Tell me a joke", "I see 3 messages"], stored);
        }
    }

    [Fact]
    public async Task The_readme_handler_streams_a_configured_models_deltas()
    {
        await using var openAI = await FakeOpenAIServer.StartAsync();
        openAI.Enqueue(FakeReply.Text("Why ", "did the ", "chicken…"));
        var (app, client) = await StartAsync(app => async (chat, ct) =>
        {
            var id = chat.NewMessageId();
            await foreach (var update in app.ChatClient("openai/gpt-4o-mini").GetStreamingResponseAsync(chat.Messages, chat.Options, ct))
                await chat.UpdateAsync(update, id, ct);
        }, environment: new() { ["OPENAI_API_KEY"] = "sk-library", ["OPENAI_API_BASE"] = openAI.BaseUrl });
        await using (app)
        {
            var stream = await Sse.PostAsync(client, "/api/chat", new { message = "Tell me a joke" });

            Assert.Equal("Why did the chicken…", stream.Text);
            Assert.Equal(3, stream.OfType("text").Count());
            var call = openAI.LastRequest.Root;
            Assert.Equal("gpt-4o-mini", call.GetProperty("model").GetString());
            Assert.Contains("Tell me a joke", openAI.LastRequest.Body, StringComparison.Ordinal);
        }
        var readme = File.ReadAllText(Path.Combine(Operations.ConfigurationReferenceTests.RepositoryRoot(), "README.md"));
        Assert.Contains("app.ChatClient(\"openai/gpt-4o-mini\").GetStreamingResponseAsync(chat.Messages, chat.Options, ct)", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sample_builds_from_a_clone_against_the_project_and_the_script_stops_its_server()
    {
        var root = Operations.ConfigurationReferenceTests.RepositoryRoot();
        var project = File.ReadAllText(Path.Combine(root, "samples", "HelloHandler", "HelloHandler.csproj"));
        Assert.Contains("<ProjectReference Include=\"../../src/Parley/Parley.csproj\" />", project, StringComparison.Ordinal);
        var script = File.ReadAllText(Path.Combine(root, "samples", "build-sample.sh"));
        Assert.Contains("exec dotnet bin/Release/net10.0/HelloHandler.dll", script, StringComparison.Ordinal);
    }
}
