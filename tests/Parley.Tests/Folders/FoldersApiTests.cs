using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Identity;
using Parley.Tests.Support;

namespace Parley.Tests.Folders;

/// <summary>Pins and folders through the real server: per user, another user's folder or conversation is a 404, bad input a 400.</summary>
public sealed class FoldersApiTests
{
    private static async Task<string> CreateAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> ListedAsync(HttpClient client, string id, string query = "") =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/conversations{query}")).GetProperty("items").EnumerateArray()
        .Single(i => i.GetProperty("id").GetString() == id);

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? sentence = null)
    {
        Assert.Equal(status, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        if (sentence is not null)
            Assert.Contains(sentence, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_pins_files_and_unfiles_conversations_and_the_list_says_so()
    {
        await using var server = await AccountsServer.StartAsync();
        using var alice = server.ClientWithKey(await server.CreateKeyAsync("alice"));
        var work = await CreateAsync(alice, "/api/folders", new { name = "  Work  " });
        var trips = await CreateAsync(alice, "/api/folders", new { name = "Trips" });
        var chat = await CreateAsync(alice, "/api/conversations", new { title = "Plan" });
        var plain = await CreateAsync(alice, "/api/conversations", new { title = "Other" });
        var before = await ListedAsync(alice, chat);

        var folders = await alice.GetFromJsonAsync<JsonElement>("/api/folders");
        Assert.Equal(["Trips", "Work"], folders.EnumerateArray().Select(f => f.GetProperty("name").GetString()));

        (await alice.PatchAsJsonAsync($"/api/conversations/{chat}", new { pinned = true, folderId = work })).EnsureSuccessStatusCode();
        var listed = await ListedAsync(alice, chat);
        Assert.True(listed.GetProperty("pinned").GetBoolean());
        Assert.Equal(work, listed.GetProperty("folderId").GetString());
        // Organising is not activity: the conversation keeps its place by date.
        Assert.Equal(before.GetProperty("updatedAt").GetString(), listed.GetProperty("updatedAt").GetString());
        var organised = (await alice.GetFromJsonAsync<JsonElement>("/api/conversations?organised=true")).GetProperty("items");
        Assert.Equal([chat], organised.EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.False((await ListedAsync(alice, plain)).GetProperty("pinned").GetBoolean());

        (await alice.PatchAsJsonAsync($"/api/conversations/{chat}", new { folderId = trips })).EnsureSuccessStatusCode();
        Assert.Equal(trips, (await ListedAsync(alice, chat)).GetProperty("folderId").GetString());
        (await alice.PatchAsJsonAsync($"/api/folders/{trips}", new { name = "Holidays" })).EnsureSuccessStatusCode();
        Assert.Contains("Holidays", (await alice.GetStringAsync("/api/folders")), StringComparison.Ordinal);

        // Deleting the folder moves the conversation out; it is kept, still pinned.
        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/api/folders/{trips}")).StatusCode);
        listed = await ListedAsync(alice, chat);
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("folderId").ValueKind);
        Assert.True(listed.GetProperty("pinned").GetBoolean());
        await AssertProblemAsync(await alice.DeleteAsync($"/api/folders/{trips}"), HttpStatusCode.NotFound, "folder_not_found");

        (await alice.PatchAsJsonAsync($"/api/conversations/{chat}", new { pinned = false, folderId = (string?)null })).EnsureSuccessStatusCode();
        Assert.False((await ListedAsync(alice, chat)).GetProperty("pinned").GetBoolean());
        Assert.Empty((await alice.GetFromJsonAsync<JsonElement>("/api/conversations?organised=true")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Another_users_folder_or_conversation_is_not_found_and_nothing_changes()
    {
        await using var server = await AccountsServer.StartAsync();
        using var alice = server.ClientWithKey(await server.CreateKeyAsync("alice"));
        using var bob = server.ClientWithKey(await server.CreateKeyAsync("bob"));
        var alicesFolder = await CreateAsync(alice, "/api/folders", new { name = "Private" });
        var alicesChat = await CreateAsync(alice, "/api/conversations", new { title = "Mine" });
        var bobsFolder = await CreateAsync(bob, "/api/folders", new { name = "Bob's" });
        var bobsChat = await CreateAsync(bob, "/api/conversations", new { title = "Bob's chat" });

        await AssertProblemAsync(await alice.PatchAsJsonAsync($"/api/conversations/{alicesChat}", new { folderId = bobsFolder }),
            HttpStatusCode.NotFound, "folder_not_found");
        // A rejected folder changes nothing else in the same request either.
        await AssertProblemAsync(await alice.PatchAsJsonAsync($"/api/conversations/{alicesChat}", new { pinned = true, title = "X", folderId = bobsFolder }),
            HttpStatusCode.NotFound, "folder_not_found");
        var mine = await ListedAsync(alice, alicesChat);
        Assert.False(mine.GetProperty("pinned").GetBoolean());
        Assert.Equal("Mine", mine.GetProperty("title").GetString());

        await AssertProblemAsync(await bob.PatchAsJsonAsync($"/api/conversations/{alicesChat}", new { pinned = true }), HttpStatusCode.NotFound, "conversation_not_found");
        await AssertProblemAsync(await bob.PatchAsJsonAsync($"/api/conversations/{bobsChat}", new { folderId = alicesFolder }), HttpStatusCode.NotFound, "folder_not_found");
        await AssertProblemAsync(await bob.PatchAsJsonAsync($"/api/folders/{alicesFolder}", new { name = "Taken" }), HttpStatusCode.NotFound, "folder_not_found");
        await AssertProblemAsync(await bob.DeleteAsync($"/api/folders/{alicesFolder}"), HttpStatusCode.NotFound, "folder_not_found");

        var alicesFolders = await alice.GetFromJsonAsync<JsonElement>("/api/folders");
        Assert.Equal(["Private"], alicesFolders.EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        Assert.Equal(["Bob's"], (await bob.GetFromJsonAsync<JsonElement>("/api/folders")).EnumerateArray().Select(f => f.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Bad_names_and_values_are_400s_that_name_the_field()
    {
        await using var server = await ParleyTestServer.StartAsync();
        var client = server.Client;
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/folders", new { name = "   " }), HttpStatusCode.BadRequest, "invalid_request", "'name'");
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/folders", new { name = new string('x', 81) }), HttpStatusCode.BadRequest, "invalid_request", "1 to 80");
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/folders", new { name = "two\nlines" }), HttpStatusCode.BadRequest, "invalid_request", "'name'");
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/folders", new { }), HttpStatusCode.BadRequest, "invalid_request", "'name'");
        var folder = await CreateAsync(client, "/api/folders", new { name = new string('x', 80) });
        await AssertProblemAsync(await client.PatchAsJsonAsync($"/api/folders/{folder}", new { name = "" }), HttpStatusCode.BadRequest, "invalid_request", "'name'");

        var chat = await server.CreateConversationAsync();
        await AssertProblemAsync(await client.PatchAsJsonAsync($"/api/conversations/{chat}", new { pinned = "yes" }), HttpStatusCode.BadRequest, "invalid_request", "'pinned'");
        await AssertProblemAsync(await client.PatchAsJsonAsync($"/api/conversations/{chat}", new { folderId = 7 }), HttpStatusCode.BadRequest, "invalid_request", "'folderId'");
        await AssertProblemAsync(await client.PatchAsJsonAsync($"/api/conversations/{chat}", new { folderId = "f_nope" }), HttpStatusCode.NotFound, "folder_not_found");
        await AssertProblemAsync(await client.GetAsync("/api/conversations?organised=maybe"), HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task A_cross_site_request_cannot_create_rename_or_delete_a_folder()
    {
        await using var server = await ParleyTestServer.StartAsync();
        var folder = await CreateAsync(server.Client, "/api/folders", new { name = "Kept" });
        foreach (var (method, path) in new[] { (HttpMethod.Post, "/api/folders"), (HttpMethod.Patch, $"/api/folders/{folder}"), (HttpMethod.Delete, $"/api/folders/{folder}") })
        {
            using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(new { name = "Forged" }) };
            request.Headers.Add("Sec-Fetch-Site", "cross-site");
            using var response = await server.Client.SendAsync(request);
            await AssertProblemAsync(response, HttpStatusCode.Forbidden, "cross_origin");
        }
        var folders = await server.Client.GetFromJsonAsync<JsonElement>("/api/folders");
        Assert.Equal(["Kept"], folders.EnumerateArray().Select(f => f.GetProperty("name").GetString()));
    }
}
