using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Identity;
using Parley.Tests.Support;

namespace Parley.Tests.Sharing;

/// <summary>Share links on a real server in accounts mode: a snapshot anyone can read by token, only the owner lists and revokes.</summary>
public sealed class SharesApiTests
{
    private static async Task<string> ConversationAsync(HttpClient client, params string[] messages)
    {
        var create = await client.PostAsJsonAsync("/api/conversations", new { title = "Shared trip plan" });
        create.EnsureSuccessStatusCode();
        var id = (await create.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        foreach (var text in messages)
            await Sse.PostAsync(client, $"/api/conversations/{id}/messages", new { content = text });
        return id;
    }

    [Fact]
    public async Task A_share_is_readable_without_an_account_names_no_owner_and_stops_working_when_revoked()
    {
        await using var server = await AccountsServer.StartAsync();
        using var alice = server.ClientWithKey(await server.CreateKeyAsync("alice"));
        using var bob = server.ClientWithKey(await server.CreateKeyAsync("bob"));
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
        var id = await ConversationAsync(alice, "first question", "second question");

        Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsJsonAsync($"/api/conversations/{id}/shares", new { })).StatusCode);
        var created = await alice.PostAsJsonAsync($"/api/conversations/{id}/shares", new { });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var share = await created.Content.ReadFromJsonAsync<JsonElement>();
        var token = share.GetProperty("token").GetString()!;
        Assert.True(token.Length >= 40, "an unguessable token");
        Assert.Equal($"/s/{token}", share.GetProperty("url").GetString());
        Assert.Equal(4, share.GetProperty("messages").GetInt32());

        var read = await anonymous.GetAsync($"/api/shared/{token}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var body = await read.Content.ReadAsStringAsync();
        var snapshot = JsonDocument.Parse(body).RootElement;
        Assert.Equal("Shared trip plan", snapshot.GetProperty("title").GetString());
        Assert.Equal(["user", "assistant", "user", "assistant"], snapshot.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("first question", snapshot.GetProperty("messages")[0].GetProperty("text").GetString());
        Assert.DoesNotContain("alice", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(id, body, StringComparison.Ordinal);

        // Later messages are not part of the snapshot.
        await Sse.PostAsync(alice, $"/api/conversations/{id}/messages", new { content = "written after sharing" });
        Assert.DoesNotContain("written after sharing", await anonymous.GetStringAsync($"/api/shared/{token}"), StringComparison.Ordinal);

        Assert.Empty((await bob.GetFromJsonAsync<JsonElement>("/api/shares")).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync($"/api/shares/{token}")).StatusCode);
        Assert.Equal([token], (await alice.GetFromJsonAsync<JsonElement>("/api/shares")).EnumerateArray().Select(s => s.GetProperty("token").GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/api/shares/{token}")).StatusCode);
        var gone = await anonymous.GetAsync($"/api/shared/{token}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("share_not_found", (await gone.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/api/shared/not-a-real-token-at-all-0123456789")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/shares")).StatusCode);
    }

    [Fact]
    public async Task A_share_of_one_branch_holds_that_branch_and_dies_with_its_conversation()
    {
        await using var server = await ParleyTestServer.StartAsync();
        var id = await ConversationAsync(server.Client, "the original question");
        var conversation = await server.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        var firstUser = conversation.GetProperty("messages").EnumerateArray().First(m => m.GetProperty("role").GetString() == "user");
        var firstReply = conversation.GetProperty("messages").EnumerateArray().First(m => m.GetProperty("role").GetString() == "assistant");
        // An edit makes a second branch from the same parent; the newest leaf is now on it.
        await Sse.PostAsync(server.Client, $"/api/conversations/{id}/messages",
            new { content = "the edited question", parentId = firstUser.TryGetProperty("parentId", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null });

        var older = await (await server.Client.PostAsJsonAsync($"/api/conversations/{id}/shares", new { leafId = firstReply.GetProperty("id").GetString() }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var newer = await (await server.Client.PostAsJsonAsync($"/api/conversations/{id}/shares", new { })).Content.ReadFromJsonAsync<JsonElement>();
        var olderText = await server.Client.GetStringAsync($"/api/shared/{older.GetProperty("token").GetString()}");
        var newerText = await server.Client.GetStringAsync($"/api/shared/{newer.GetProperty("token").GetString()}");
        Assert.Contains("the original question", olderText, StringComparison.Ordinal);
        Assert.DoesNotContain("the edited question", olderText, StringComparison.Ordinal);
        Assert.Contains("the edited question", newerText, StringComparison.Ordinal);
        Assert.DoesNotContain("the original question", newerText, StringComparison.Ordinal);

        var unknownLeaf = await server.Client.PostAsJsonAsync($"/api/conversations/{id}/shares", new { leafId = "m_nope" });
        Assert.Equal(HttpStatusCode.NotFound, unknownLeaf.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.DeleteAsync($"/api/conversations/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync($"/api/shared/{newer.GetProperty("token").GetString()}")).StatusCode);
        Assert.Empty((await server.Client.GetFromJsonAsync<JsonElement>("/api/shares")).EnumerateArray());
    }
}
