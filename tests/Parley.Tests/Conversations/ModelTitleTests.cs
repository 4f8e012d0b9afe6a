using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Conversations;
using Parley.Providers;
using Parley.Storage;
using Parley.Tests.Replies;
using Parley.Tests.Support;
using Parley.Usage;

namespace Parley.Tests.Conversations;

/// <summary>
/// Titles written by a model through the real server. The title model is the mock's markdown sample, whose answer
/// ("## A markdown sample …") differs from the first-message title, so the stored title shows which rule wrote it.
/// </summary>
public sealed class ModelTitleTests
{
    private static Task<ParleyTestServer> StartAsync(string model = "mock/markdown") => ParleyTestServer.StartAsync(new Dictionary<string, string?>
    {
        ["Parley:Titles:Enabled"] = "true",
        ["Parley:Titles:Model"] = model,
    });

    [Fact(Timeout = 60_000)]
    public async Task After_the_first_reply_the_model_writes_the_title_charged_to_the_user_and_open_tabs_hear_the_rename()
    {
        await using var server = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/conversations/events");
        using var events = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
        Assert.Equal(": listening", await reader.ReadLineAsync());

        var id = await server.CreateConversationAsync();
        var stream = await Sse.PostAsync(server.Client, $"/api/conversations/{id}/messages", new { content = "plan a weekend in lisbon" });
        // The stream carries the first-message title at once; the model's comes after the reply, as a rename.
        Assert.Equal("plan a weekend in lisbon", stream.OfType("title").Single().GetProperty("content").GetString());

        string? renamed = null;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (renamed is null && await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
                continue;
            var notice = JsonDocument.Parse(line[6..]).RootElement;
            if (LiveEvents.Type(notice) == "conversation_updated" && notice.GetProperty("title").GetString() != "plan a weekend in lisbon")
                renamed = notice.GetProperty("title").GetString();
        }
        Assert.Equal("A markdown sample", renamed);
        var stored = await server.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        Assert.Equal("A markdown sample", stored.GetProperty("title").GetString());

        // One model call of its own, recorded for the user under the titles surface with the title model.
        Assert.True(await server.Services.GetRequiredService<UsageRecorder>().FlushAsync(TimeSpan.FromSeconds(5)));
        var bySurface = await server.Client.GetFromJsonAsync<JsonElement>("/api/usage?groupBy=surface");
        var titles = bySurface.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("key").GetString() == TitleWriter.Surface);
        Assert.Equal(1, titles.GetProperty("requests").GetInt64());
        Assert.True(titles.GetProperty("totalTokens").GetInt64() > 0);
        var byModel = await server.Client.GetFromJsonAsync<JsonElement>("/api/usage?groupBy=model");
        Assert.Contains(byModel.GetProperty("groups").EnumerateArray(), g => g.GetProperty("key").GetString() == "mock/markdown");
        var byOwner = await server.Client.GetFromJsonAsync<JsonElement>("/api/usage?groupBy=owner");
        var owner = Assert.Single(byOwner.GetProperty("groups").EnumerateArray());
        Assert.Equal(Parley.Identity.UserNames.Local, owner.GetProperty("key").GetString());
        Assert.Equal(2, owner.GetProperty("requests").GetInt64());

        // Only the first reply is titled.
        await Sse.PostAsync(server.Client, $"/api/conversations/{id}/messages", new { content = "and a day in porto" });
        Assert.True(await server.Services.GetRequiredService<UsageRecorder>().FlushAsync(TimeSpan.FromSeconds(5)));
        bySurface = await server.Client.GetFromJsonAsync<JsonElement>("/api/usage?groupBy=surface");
        Assert.Equal(1, bySurface.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("key").GetString() == TitleWriter.Surface).GetProperty("requests").GetInt64());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_failing_title_model_or_a_rename_meanwhile_keeps_the_title_there_is()
    {
        await using var server = await StartAsync("mock/echo");
        var writer = server.Services.GetRequiredService<TitleWriter>();
        var store = server.Services.GetRequiredService<IConversationStore>();
        var model = server.Services.GetRequiredService<ModelCatalog>().Resolve("mock/echo");
        var caller = new Caller(Parley.Identity.UserNames.Local, "web");
        var id = await server.CreateConversationAsync();
        await server.Client.PatchAsJsonAsync($"/api/conversations/{id}", new { title = "hello" });
        var conversation = (await store.GetConversationAsync(Parley.Identity.UserNames.Local, id))!;

        // The model fails (a scripted 500): the first-message title stays.
        Assert.Null(await writer.WriteAsync(conversation, model, caller, "hello", "hello [[mock:error 500]]", "", CancellationToken.None));
        Assert.Equal("hello", (await store.GetConversationAsync(conversation.Owner, id))!.Title);

        // The user renamed it before the model answered: the rename stays.
        Assert.Null(await writer.WriteAsync(conversation, model, caller, "the automatic title", "a weekend in lisbon", "", CancellationToken.None));
        Assert.Equal("hello", (await store.GetConversationAsync(conversation.Owner, id))!.Title);

        // The echo model repeats the message without its mock directives: that is the title it writes.
        Assert.Equal("a weekend in lisbon", await writer.WriteAsync(conversation, model, caller, "hello", "a weekend in lisbon [[mock:delay 1]]", "", CancellationToken.None));
        Assert.Equal("a weekend in lisbon", (await store.GetConversationAsync(conversation.Owner, id))!.Title);
    }

    [Theory]
    [InlineData("## A markdown sample\n\nParley renders…", "A markdown sample")]
    [InlineData("Title: \"Weekend in Lisbon.\"", "Weekend in Lisbon")]
    [InlineData("  **Rust lifetimes, simply**  ", "Rust lifetimes, simply")]
    [InlineData("\n\n", null)]
    [InlineData("\"\"", null)]
    public void A_model_answer_becomes_a_clean_title(string answer, string? expected) => Assert.Equal(expected, Titles.FromModelAnswer(answer));
}
