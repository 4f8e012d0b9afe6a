using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Identity;

/// <summary>What a key may do: its models (403), its own limits (429) on top of the user's, and its usage under its id.</summary>
public sealed class KeyPolicyTests : IAsyncLifetime
{
    private ParleyTestServer _server = null!;

    public async Task InitializeAsync() => _server = await AccountsServer.StartAsync(new Dictionary<string, string?>
    {
        ["Parley:Aliases:fast"] = "mock/echo",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_model_outside_the_keys_list_gets_403_on_v1_before_any_call()
    {
        using var client = _server.ClientWithKey(await _server.CreateKeyAsync("alice", models: ["mock/markdown"]));

        var refused = await client.PostAsJsonAsync("/v1/chat/completions", new { model = "mock/echo", messages = new[] { new { role = "user", content = "hi" } } });
        var viaAlias = await client.PostAsJsonAsync("/v1/chat/completions", new { model = "fast", messages = new[] { new { role = "user", content = "hi" } } });
        var allowed = await client.PostAsJsonAsync("/v1/chat/completions", new { model = "mock/markdown", messages = new[] { new { role = "user", content = "hi" } } });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var error = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("model_not_allowed", error.GetProperty("code").GetString());
        Assert.Contains("mock/markdown", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, viaAlias.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        var usage = await _server.BrowserUsageAsync();
        Assert.Equal(1, usage.GetProperty("totals").GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task A_model_outside_the_keys_list_stores_nothing_in_a_conversation()
    {
        using var client = _server.ClientWithKey(await _server.CreateKeyAsync("alice", models: ["mock/markdown"]));
        var created = await client.PostAsJsonAsync("/api/conversations", new { });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var refused = await client.PostAsJsonAsync($"/api/conversations/{id}/messages", new { content = "hi", model = "mock/echo" });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("model_not_allowed", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        var conversation = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        Assert.Equal(0, conversation.GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task A_keys_own_rate_limit_holds_under_a_burst_while_the_owners_other_key_still_works()
    {
        using var limited = _server.ClientWithKey(await _server.CreateKeyAsync("alice", requestsPerMinute: 3));
        using var other = _server.ClientWithKey(await _server.CreateKeyAsync("alice"));
        var body = new { model = "mock/echo", messages = new[] { new { role = "user", content = "hi" } } };

        var burst = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => limited.PostAsJsonAsync("/v1/chat/completions", body)));

        Assert.Equal(3, burst.Count(r => r.StatusCode == HttpStatusCode.OK));
        var refused = burst.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("rate_limited", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, (await other.PostAsJsonAsync("/v1/chat/completions", body)).StatusCode);
    }

    [Fact]
    public async Task The_users_limits_apply_across_all_their_keys()
    {
        await using var server = await AccountsServer.StartAsync(new Dictionary<string, string?> { ["Parley:Limits:RequestsPerMinute"] = "2" });
        using var first = server.ClientWithKey(await server.CreateKeyAsync("alice"));
        using var second = server.ClientWithKey(await server.CreateKeyAsync("alice"));
        using var bob = server.ClientWithKey(await server.CreateKeyAsync("bob"));
        var body = new { model = "mock/echo", messages = new[] { new { role = "user", content = "hi" } } };

        Assert.Equal(HttpStatusCode.OK, (await first.PostAsJsonAsync("/v1/chat/completions", body)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.PostAsJsonAsync("/v1/chat/completions", body)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await first.PostAsJsonAsync("/v1/chat/completions", body)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bob.PostAsJsonAsync("/v1/chat/completions", body)).StatusCode);
    }

    [Fact]
    public async Task Usage_is_recorded_under_the_key_users_see_their_own_and_admins_see_all()
    {
        var aliceKey = await _server.CreateKeyAsync("alice");
        using var alice = _server.ClientWithKey(aliceKey);
        using var bob = _server.ClientWithKey(await _server.CreateKeyAsync("bob"));
        var body = new { model = "mock/echo", messages = new[] { new { role = "user", content = "hi" } } };
        await alice.PostAsJsonAsync("/v1/chat/completions", body);
        await alice.PostAsJsonAsync("/v1/chat/completions", body);
        await bob.PostAsJsonAsync("/v1/chat/completions", body);

        var byKey = await _server.EventuallyAsync(alice, "/api/usage?groupBy=key", 2);
        var group = byKey.GetProperty("groups").EnumerateArray().Single();
        Assert.Equal(Parley.Identity.ApiKeySecret.IdOf(aliceKey), group.GetProperty("key").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/api/usage?owner=bob")).StatusCode);

        var all = await _server.BrowserUsageAsync("?groupBy=owner");
        Assert.Equal(["alice", "bob"], all.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("key").GetString()));
    }
}

internal static class UsageQueries
{
    /// <summary>The admin's view of usage once the background writer stored at least one call.</summary>
    public static async Task<JsonElement> BrowserUsageAsync(this ParleyTestServer server, string query = "")
    {
        using var admin = server.BrowserClient();
        await admin.PostAsJsonAsync("/api/auth/login", new { username = AccountsServer.Admin, password = AccountsServer.AdminPassword });
        return await server.EventuallyAsync(admin, "/api/usage" + query, 1);
    }

    /// <summary>Usage is written off the hot path: polls (bounded) until <paramref name="requests"/> calls are visible.</summary>
    public static async Task<JsonElement> EventuallyAsync(this ParleyTestServer server, HttpClient client, string path, long requests)
    {
        ArgumentNullException.ThrowIfNull(server);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var report = await client.GetFromJsonAsync<JsonElement>(path);
            if (report.GetProperty("totals").GetProperty("requests").GetInt64() >= requests || DateTime.UtcNow > deadline)
                return report;
            await Task.Delay(50);
        }
    }
}
