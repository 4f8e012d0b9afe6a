using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Identity;
using Parley.Tests.Support;
using Parley.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace Parley.Tests.Retention;

/// <summary><c>/api/me/retention</c> and <c>DELETE /api/me/data</c> on a real server; deletions are checked in the SQLite file.</summary>
public sealed class YourDataApiTests
{
    private static string Database(ParleyTestServer server) => Path.Combine(server.DataDirectory, "parley.db");

    private static long Count(ParleyTestServer server, string sql, string owner) => SqliteRows.Count(Database(server), sql, ("$o", owner));

    private static long Conversations(ParleyTestServer s, string owner) => Count(s, "SELECT COUNT(*) FROM conversations WHERE owner = $o", owner);

    private static long Messages(ParleyTestServer s, string owner) =>
        Count(s, "SELECT COUNT(*) FROM messages WHERE conversation_id IN (SELECT id FROM conversations WHERE owner = $o)", owner);

    private static long Images(ParleyTestServer s) => SqliteRows.Count(Database(s), "SELECT COUNT(*) FROM images");

    private static long UsageRows(ParleyTestServer s, string owner) => Count(s, "SELECT COUNT(*) FROM usage WHERE owner = $o", owner);

    private static async Task ChatAsync(HttpClient client, string text, bool withImage = false)
    {
        var create = await client.PostAsJsonAsync("/api/conversations", new { });
        create.EnsureSuccessStatusCode();
        var id = (await create.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        object body = withImage ? new { content = text, images = new[] { TestImages.PngDataUrl } } : new { content = text };
        var reply = await Sse.PostAsync(client, $"/api/conversations/{id}/messages", body);
        Assert.True(reply.SawDone || reply.Events.Count > 0);
    }

    private static HttpRequestMessage DeleteData(object? body) =>
        new(HttpMethod.Delete, "/api/me/data") { Content = body is null ? null : JsonContent.Create(body) };

    [Fact]
    public async Task Own_retention_is_read_set_bounded_by_the_deployment_and_cleared_in_single_user_mode()
    {
        await using var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?> { ["Parley:Retention:ConversationDays"] = "30" });
        var initial = await server.Client.GetFromJsonAsync<JsonElement>("/api/me/retention");
        Assert.Equal(JsonValueKind.Null, initial.GetProperty("days").ValueKind);
        Assert.Equal(30, initial.GetProperty("deploymentDays").GetInt32());
        Assert.Equal(30, initial.GetProperty("effectiveDays").GetInt32());

        var set = await server.Client.PutAsJsonAsync("/api/me/retention", new { days = 7 });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(7, (await server.Client.GetFromJsonAsync<JsonElement>("/api/me/retention")).GetProperty("effectiveDays").GetInt32());
        Assert.Equal(7, Count(server, "SELECT retention_days FROM owner_settings WHERE owner = $o", "local"));

        foreach (var bad in new[] { 0, 31 })
        {
            var refused = await server.Client.PutAsJsonAsync("/api/me/retention", new { days = bad });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("invalid_request", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }
        Assert.Equal(7, (await server.Client.GetFromJsonAsync<JsonElement>("/api/me/retention")).GetProperty("days").GetInt32());

        (await server.Client.PutAsJsonAsync("/api/me/retention", new { days = (int?)null })).EnsureSuccessStatusCode();
        Assert.Equal(JsonValueKind.Null, (await server.Client.GetFromJsonAsync<JsonElement>("/api/me/retention")).GetProperty("days").ValueKind);
    }

    [Fact]
    public async Task Deleting_all_data_needs_the_typed_confirmation_and_then_removes_every_row_of_the_local_user()
    {
        await using var server = await ParleyTestServer.StartAsync();
        await ChatAsync(server.Client, "first", withImage: true);
        await ChatAsync(server.Client, "second");
        (await server.Client.PostAsJsonAsync("/api/folders", new { name = "Work" })).EnsureSuccessStatusCode();
        await server.Services.GetRequiredService<UsageRecorder>().FlushAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2, Conversations(server, "local"));
        Assert.Equal(4, Messages(server, "local"));
        Assert.Equal(1, Images(server));
        Assert.True(UsageRows(server, "local") >= 2);

        foreach (var body in new object?[] { null, new { }, new { confirm = "yes" } })
        {
            using var refused = await server.Client.SendAsync(DeleteData(body));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("confirmation_required", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }
        Assert.Equal(2, Conversations(server, "local"));

        using var deleted = await server.Client.SendAsync(DeleteData(new { confirm = "delete all my data" }));
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        var counts = await deleted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, counts.GetProperty("conversations").GetInt32());
        Assert.Equal(4, counts.GetProperty("messages").GetInt32());
        Assert.Equal(1, counts.GetProperty("images").GetInt32());
        Assert.True(counts.GetProperty("usageRecords").GetInt32() >= 2);
        Assert.Contains("account", counts.GetProperty("message").GetString(), StringComparison.Ordinal);

        Assert.Equal(0, Conversations(server, "local"));
        Assert.Equal(0, SqliteRows.Count(Database(server), "SELECT COUNT(*) FROM messages"));
        Assert.Equal(0, Images(server));
        Assert.Equal(0, UsageRows(server, "local"));
        Assert.Empty((await server.Client.GetFromJsonAsync<JsonElement>("/api/conversations")).GetProperty("items").EnumerateArray());
        Assert.Equal(0, SqliteRows.Count(Database(server), "SELECT COUNT(*) FROM folders"));
    }

    [Fact]
    public async Task In_accounts_mode_a_user_deletes_only_their_own_data_keys_and_sessions_and_keeps_the_account()
    {
        await using var server = await AccountsServer.StartAsync();
        var identity = server.Services.GetRequiredService<Parley.Identity.IdentityService>();
        await identity.CreateUserAsync("alice", "alice-password-1", false);
        await identity.CreateUserAsync("bob", "bob-password-12", false);
        var aliceKey = await server.CreateKeyAsync("alice");
        var bobKey = await server.CreateKeyAsync("bob");
        using var alice = server.BrowserClient();
        (await alice.PostAsJsonAsync("/api/auth/login", new { username = "alice", password = "alice-password-1" })).EnsureSuccessStatusCode();
        using var aliceByKey = server.ClientWithKey(aliceKey);
        using var bob = server.ClientWithKey(bobKey);
        await ChatAsync(alice, "alice one", withImage: true);
        await ChatAsync(aliceByKey, "alice two");
        await ChatAsync(bob, "bob's", withImage: true);
        await server.Services.GetRequiredService<UsageRecorder>().FlushAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, Count(server, "SELECT COUNT(*) FROM sessions WHERE user_name = $o", "alice"));

        using var deleted = await alice.SendAsync(DeleteData(new { confirm = "Delete all my data" }));
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        var counts = await deleted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, counts.GetProperty("conversations").GetInt32());
        Assert.Equal(1, counts.GetProperty("apiKeys").GetInt32());
        Assert.True(counts.GetProperty("accountKept").GetBoolean());

        Assert.Equal(0, Conversations(server, "alice"));
        Assert.Equal(0, Messages(server, "alice"));
        Assert.Equal(0, UsageRows(server, "alice"));
        Assert.Equal(0, Count(server, "SELECT COUNT(*) FROM api_keys WHERE owner = $o", "alice"));
        Assert.Equal(0, Count(server, "SELECT COUNT(*) FROM sessions WHERE user_name = $o", "alice"));
        Assert.Equal(1, Count(server, "SELECT COUNT(*) FROM users WHERE name = $o", "alice"));
        Assert.Equal(1, Conversations(server, "bob"));
        Assert.Equal(1, Images(server));
        Assert.True(UsageRows(server, "bob") >= 1);
        Assert.Equal(1, Count(server, "SELECT COUNT(*) FROM api_keys WHERE owner = $o", "bob"));

        // The session and the key are gone: both are refused now; the password still signs in.
        Assert.Equal(HttpStatusCode.Unauthorized, (await alice.GetAsync("/api/conversations")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await aliceByKey.GetAsync("/api/conversations")).StatusCode);
        (await alice.PostAsJsonAsync("/api/auth/login", new { username = "alice", password = "alice-password-1" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync("/api/conversations")).StatusCode);
    }
}
