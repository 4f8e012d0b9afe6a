using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Conversations;
using Parley.Identity;
using Parley.Storage;
using Parley.Tests.Identity;
using Parley.Tests.Support;
using Parley.Usage;

namespace Parley.Tests.Security;

/// <summary>
/// Finding 14, the mechanism: accounts own data by a stable random id, never by name, so a re-created name starts
/// empty even when something of the old account survived its deletion, and no name reaches another account's data.
/// </summary>
public sealed class Finding14OwnerIdTests
{
    [Fact]
    public async Task Finding14_a_recreated_account_gets_a_new_id_and_sees_nothing_that_survived_the_old_ones_deletion()
    {
        await using var server = await AccountsServer.StartAsync();
        var identity = server.Services.GetRequiredService<IdentityService>();
        var old = await identity.CreateUserAsync("dave", "dave-password", isAdmin: false);
        var (_, oldSession, _) = await identity.SignInAsync("dave", "dave-password", "127.0.0.1");
        using var admin = server.ClientWithKey(await server.CreateKeyAsync(AccountsServer.Admin));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/admin/users/dave")).StatusCode);

        // Rows that outlived the deletion (a crash half-way, a restored backup): under the old id, and under the name.
        var conversations = server.Services.GetRequiredService<IConversationStore>();
        foreach (var (owner, id) in new[] { (old.Id, "c_survivor_by_id"), ("dave", "c_survivor_by_name") })
            await conversations.CreateConversationAsync(new Conversation { Id = id, Owner = owner, Title = "Dave's secrets", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
        await server.Services.GetRequiredService<IUsageStore>().AddAsync([
            new UsageRecord(DateTimeOffset.UtcNow, old.Id, null, "api", "mock/echo", "mock/echo", 10, 5, 15, false, 1, null, UsageRecord.Ok, null),
            new UsageRecord(DateTimeOffset.UtcNow, "dave", null, "api", "mock/echo", "mock/echo", 10, 5, 15, false, 1, null, UsageRecord.Ok, null)]);
        await identity.Store.SetPreferencesAsync(old.Id, """{"theme":"dark"}""");
        await identity.Store.AddSessionAsync(new UserSession(ApiKeySecret.Hash(oldSession), old.Id, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1)));

        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/admin/users", new { name = "DAVE", password = "new-dave-password" })).StatusCode);
        var recreated = (await identity.Store.GetUserByNameAsync("dave"))!;
        Assert.NotEqual(old.Id, recreated.Id);
        Assert.Matches("^u_[0-9a-f]{32}$", recreated.Id);

        using var newDave = server.ClientWithKey(await server.CreateKeyAsync("DAVE"));
        Assert.Empty((await newDave.GetFromJsonAsync<JsonElement>("/api/conversations")).GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await newDave.GetAsync("/api/conversations/c_survivor_by_id")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await newDave.GetAsync("/api/conversations/c_survivor_by_name")).StatusCode);
        Assert.Equal(0, (await newDave.GetFromJsonAsync<JsonElement>("/api/usage")).GetProperty("totals").GetProperty("requests").GetInt64());
        var preferences = await newDave.GetFromJsonAsync<JsonElement>("/api/me/preferences");
        Assert.True(!preferences.TryGetProperty("theme", out var theme) || theme.ValueKind == JsonValueKind.Null, preferences.ToString());

        // The old account's session cookie does not sign anyone in, although a user named dave exists again.
        using var oldCookie = new HttpRequestMessage(HttpMethod.Get, "/api/auth/session");
        oldCookie.Headers.Add("Cookie", $"{ParleyAuthentication.SessionCookie}={oldSession}");
        using var cookieless = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await cookieless.SendAsync(oldCookie)).StatusCode);
    }

    [Fact]
    public async Task Finding14_a_name_equal_to_another_accounts_id_reaches_none_of_its_data()
    {
        await using var server = await AccountsServer.StartAsync();
        var identity = server.Services.GetRequiredService<IdentityService>();
        var alice = await identity.CreateUserAsync("alice", "alice-password", isAdmin: false);
        using var aliceClient = server.ClientWithKey(await server.CreateKeyAsync("alice"));
        using var created = await aliceClient.PostAsJsonAsync("/api/conversations", new { title = "Alice's plans" });
        var conversation = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var admin = server.ClientWithKey(await server.CreateKeyAsync(AccountsServer.Admin));

        // No key can be made for an owner named like an account id unless an account has that name.
        using var refused = await admin.PostAsJsonAsync("/api/keys", new { name = "x", owner = alice.Id });
        await Finding02CrossSiteRequestTests.AssertProblemAsync(refused, HttpStatusCode.BadRequest, "invalid_request");
        using var bob = server.ClientWithKey(await server.CreateKeyAsync("bob"));
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.GetAsync($"/api/usage?owner={alice.Id}")).StatusCode);

        // An account named like alice's id is an account of its own, by key and by sign-in.
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/admin/users", new { name = alice.Id, password = "mallory-password" })).StatusCode);
        using var mallory = server.ClientWithKey(await server.CreateKeyAsync(alice.Id));
        using var browser = server.BrowserClient();
        (await browser.PostAsJsonAsync("/api/auth/login", new { username = alice.Id.ToUpperInvariant(), password = "mallory-password" })).EnsureSuccessStatusCode();
        foreach (var client in new[] { mallory, browser })
        {
            Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/conversations")).GetProperty("items").EnumerateArray());
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/conversations/{conversation}")).StatusCode);
            Assert.Equal(alice.Id, (await client.GetFromJsonAsync<JsonElement>("/api/auth/session")).GetProperty("user").GetProperty("name").GetString());
        }
        Assert.NotEqual(alice.Id, await server.OwnerIdAsync(alice.Id));
        Assert.Equal(HttpStatusCode.OK, (await aliceClient.GetAsync($"/api/conversations/{conversation}")).StatusCode);
    }

    [Fact]
    public async Task Finding14_keys_usage_sessions_and_admin_views_show_names_while_rows_are_stored_by_id()
    {
        await using var server = await AccountsServer.StartAsync();
        var identity = server.Services.GetRequiredService<IdentityService>();
        var erin = await identity.CreateUserAsync("erin", "erin-password", isAdmin: false);
        using var admin = server.ClientWithKey(await server.CreateKeyAsync(AccountsServer.Admin));
        using var keyResponse = await admin.PostAsJsonAsync("/api/keys", new { name = "ci", owner = "Erin" });
        var created = await keyResponse.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("erin", created.GetProperty("owner").GetString());
        using var erinClient = server.ClientWithKey(created.GetProperty("key").GetString()!);
        using var chat = await erinClient.PostAsJsonAsync("/v1/chat/completions", new { model = "mock/echo", messages = new[] { new { role = "user", content = "hi" } } });
        chat.EnsureSuccessStatusCode();
        using var conversation = await erinClient.PostAsJsonAsync("/api/conversations", new { title = "Erin's" });
        var conversationId = (await conversation.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        Assert.Equal(erin.Id, (await server.Services.GetRequiredService<IConversationStore>().GetConversationAsync(erin.Id, conversationId))!.Owner);
        Assert.Equal("erin", (await erinClient.GetFromJsonAsync<JsonElement>("/api/auth/session")).GetProperty("user").GetProperty("name").GetString());
        var allKeys = (await admin.GetFromJsonAsync<JsonElement>("/api/keys?all=true")).GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(allKeys, k => k.GetProperty("owner").GetString() == "erin");
        Assert.DoesNotContain(allKeys, k => k.GetProperty("owner").GetString()!.StartsWith(UserIds.Prefix, StringComparison.Ordinal));
        Assert.Equal("erin", (await erinClient.GetFromJsonAsync<JsonElement>("/api/keys")).GetProperty("items")[0].GetProperty("owner").GetString());

        var byOwner = (await admin.GetFromJsonAsync<JsonElement>("/api/usage?groupBy=owner")).GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(1, byOwner.Single(g => g.GetProperty("key").GetString() == "erin").GetProperty("requests").GetInt64());
        Assert.DoesNotContain(byOwner, g => g.GetProperty("key").GetString()!.StartsWith(UserIds.Prefix, StringComparison.Ordinal));
        Assert.Contains("\nerin,1,", await admin.GetStringAsync("/api/usage.csv?groupBy=owner"), StringComparison.Ordinal);
        Assert.Equal(1, (await admin.GetFromJsonAsync<JsonElement>("/api/usage?owner=ERIN")).GetProperty("totals").GetProperty("requests").GetInt64());
        Assert.Equal(1, (await erinClient.GetFromJsonAsync<JsonElement>("/api/usage?owner=erin")).GetProperty("totals").GetProperty("requests").GetInt64());

        var users = (await admin.GetFromJsonAsync<JsonElement>("/api/admin/users")).GetProperty("items").EnumerateArray().Select(u => u.GetProperty("name").GetString()).ToList();
        Assert.Equal(["admin", "erin"], users);

        using var browser = server.BrowserClient();
        (await browser.PostAsJsonAsync("/api/auth/login", new { username = "erin", password = "erin-password" })).EnsureSuccessStatusCode();
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/admin/audit?actor=erin");
        var actions = audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains(Parley.Audit.AuditActions.SignIn, actions);
        var keyCreated = (await admin.GetFromJsonAsync<JsonElement>($"/api/admin/audit?action={Parley.Audit.AuditActions.KeyCreated}")).GetProperty("items").EnumerateArray();
        Assert.Contains(keyCreated, e => e.GetProperty("detail").GetString()!.StartsWith("owner erin;", StringComparison.Ordinal));
    }
}
