using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Identity;
using Parley.Tests.Support;

namespace Parley.Tests.Identity;

public sealed class AccountsModeTests : IAsyncLifetime
{
    private ParleyTestServer _server = null!;

    public async Task InitializeAsync() => _server = await AccountsServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("/api/conversations")]
    [InlineData("/api/usage")]
    [InlineData("/api/config")]
    [InlineData("/api/keys")]
    public async Task Requests_without_credentials_get_401_with_a_clear_problem(string path)
    {
        var response = await _server.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unauthenticated", problem.GetProperty("code").GetString());
        Assert.Equal("accounts", problem.GetProperty("mode").GetString());
        Assert.Contains("API key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_metrics_docs_and_the_web_app_stay_open()
    {
        foreach (var path in new[] { "/health/live", "/health/ready", "/metrics", "/openapi/v1.json", "/", "/c/some-conversation" })
            Assert.True((await _server.Client.GetAsync(path)).IsSuccessStatusCode, path);
    }

    [Fact]
    public async Task The_OpenAI_surface_answers_401_in_OpenAIs_error_shape()
    {
        using var client = _server.ClientWithKey("sk-not-a-parley-key");
        var response = await client.PostAsJsonAsync("/v1/chat/completions", new { model = "mock/echo", messages = new[] { new { role = "user", content = "hi" } } });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
        Assert.Contains("not valid", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Basic YWxpY2U6c2VjcmV0", "invalid_api_key", "Bearer")]
    [InlineData("Bearer ", "invalid_api_key", "Bearer")]
    [InlineData("Bearer pk_abcdefghijkl_wrongsecret", "invalid_api_key", "not valid")]
    public async Task Malformed_and_unknown_keys_get_401_naming_the_problem(string header, string code, string mentions)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/conversations");
        request.Headers.TryAddWithoutValidation("Authorization", header);
        var response = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Contains(mentions, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_works_until_it_is_revoked_then_gets_401_revoked()
    {
        var key = await _server.CreateKeyAsync("alice");
        using var alice = _server.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/api/conversations")).StatusCode);

        var id = ApiKeySecret.IdOf(key)!;
        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/api/keys/{id}")).StatusCode);

        var refused = await alice.GetAsync("/api/conversations");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("api_key_revoked", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_key_revoked_by_another_instance_stops_working_within_the_cache_lifetime()
    {
        var key = await _server.CreateKeyAsync("alice");
        using var alice = _server.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/api/conversations")).StatusCode);

        // Another instance (or the CLI) revokes it in the shared store, without this server's service knowing.
        await _server.Services.GetRequiredService<IIdentityStore>().RevokeKeyAsync(ApiKeySecret.IdOf(key)!, DateTimeOffset.UtcNow);
        var revokedAt = System.Diagnostics.Stopwatch.StartNew();
        HttpResponseMessage response;
        do
        {
            response = await alice.GetAsync("/api/conversations");
            if (response.StatusCode == HttpStatusCode.Unauthorized)
                break;
            await Task.Delay(200);
        }
        while (revokedAt.Elapsed < TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(revokedAt.Elapsed < Parley.Identity.VerifiedKeyCache.Lifetime + TimeSpan.FromSeconds(2), $"still accepted after {revokedAt.Elapsed}");
    }

    [Fact]
    public async Task An_expired_key_gets_401_expired()
    {
        var store = _server.Services.GetRequiredService<IIdentityStore>();
        var (id, secret) = ApiKeySecret.Generate();
        var past = DateTimeOffset.UtcNow.AddDays(-2);
        await store.AddKeyAsync(new ApiKey(id, "old", "alice", ApiKeySecret.Hash(secret), [], null, null, null, past.AddDays(1), past));
        using var client = _server.ClientWithKey(secret);

        var response = await client.GetAsync("/api/conversations");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("api_key_expired", problem.GetProperty("code").GetString());
        Assert.Contains("expired on", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_are_stored_hashed_shown_once_and_listed_without_secrets()
    {
        using var admin = await SignInAsync(AccountsServer.Admin, AccountsServer.AdminPassword);
        var created = await admin.PostAsJsonAsync("/api/keys", new { name = "laptop", models = new[] { "mock/*" }, requestsPerMinute = 30 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("no-store", created.Headers.CacheControl?.ToString());
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = body.GetProperty("key").GetString()!;
        Assert.StartsWith(body.GetProperty("prefix").GetString()!, secret, StringComparison.Ordinal);

        var list = await admin.GetStringAsync("/api/keys");
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.Contains("\"laptop\"", list, StringComparison.Ordinal);
        var stored = await _server.Services.GetRequiredService<IIdentityStore>().GetKeyAsync(body.GetProperty("id").GetString()!);
        Assert.Equal(ApiKeySecret.Hash(secret), stored!.SecretHash);
        Assert.DoesNotContain(secret, File.ReadAllText(Path.Combine(_server.DataDirectory, "parley.db"), System.Text.Encoding.Latin1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_key_requests_get_400s_that_name_the_problem()
    {
        using var admin = await SignInAsync(AccountsServer.Admin, AccountsServer.AdminPassword);
        var unknownModel = await admin.PostAsJsonAsync("/api/keys", new { models = new[] { "nope/model" } });
        var past = await admin.PostAsJsonAsync("/api/keys", new { expiresAt = "2001-01-01T00:00:00Z" });
        var negative = await admin.PostAsJsonAsync("/api/keys", new { requestsPerMinute = -1 });

        Assert.Equal(HttpStatusCode.BadRequest, unknownModel.StatusCode);
        Assert.Contains("nope", await unknownModel.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("future", await past.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
    }

    [Fact]
    public async Task Web_sign_in_sets_an_http_only_cookie_that_opens_the_apis_until_sign_out()
    {
        using var browser = _server.BrowserClient();
        var wrong = await browser.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = "wrong-password" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("invalid_credentials", (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        var right = await browser.PostAsJsonAsync("/api/auth/login", new { username = "Admin", password = AccountsServer.AdminPassword });
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        var cookie = right.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        var session = await browser.GetFromJsonAsync<JsonElement>("/api/auth/session");
        Assert.Equal("admin", session.GetProperty("user").GetProperty("name").GetString());
        Assert.True(session.GetProperty("user").GetProperty("isAdmin").GetBoolean());
        Assert.Equal("session", session.GetProperty("via").GetString());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/conversations")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostAsync("/api/auth/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/auth/session")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/conversations")).StatusCode);
    }

    [Fact]
    public async Task Repeated_failed_sign_ins_get_429_with_Retry_After_even_with_the_right_password()
    {
        using var browser = _server.BrowserClient();
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = $"guess-{i}-xx" })).StatusCode);

        var blocked = await browser.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = AccountsServer.AdminPassword });

        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.True(blocked.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("too_many_attempts", (await blocked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Changing_the_password_ends_other_sessions_and_needs_the_current_one()
    {
        using var admin = await SignInAsync(AccountsServer.Admin, AccountsServer.AdminPassword);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/admin/users", new { name = "carol", password = "carol-password" })).StatusCode);
        using var carol = await SignInAsync("carol", "carol-password");
        using var carolElsewhere = await SignInAsync("carol", "carol-password");

        var wrong = await carol.PostAsJsonAsync("/api/auth/password", new { currentPassword = "nope-nope", newPassword = "new-password" });
        var weak = await carol.PostAsJsonAsync("/api/auth/password", new { currentPassword = "carol-password", newPassword = "short" });
        var changed = await carol.PostAsJsonAsync("/api/auth/password", new { currentPassword = "carol-password", newPassword = "new-password" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("weak_password", (await weak.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await carolElsewhere.GetAsync("/api/conversations")).StatusCode);
        using var again = await SignInAsync("carol", "new-password");
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/conversations")).StatusCode);
    }

    [Fact]
    public async Task Only_administrators_manage_users_and_see_every_key()
    {
        using var admin = await SignInAsync(AccountsServer.Admin, AccountsServer.AdminPassword);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/admin/users", new { name = "dave", password = "dave-password" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/admin/users", new { name = "DAVE", password = "dave-password" })).StatusCode);
        var daveKey = await admin.PostAsJsonAsync("/api/keys", new { owner = "dave", name = "for dave" });
        Assert.Equal("dave", (await daveKey.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("owner").GetString());

        using var dave = await SignInAsync("dave", "dave-password");
        Assert.Equal(HttpStatusCode.Forbidden, (await dave.GetAsync("/api/admin/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await dave.GetAsync("/api/keys?all=true")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await dave.PostAsJsonAsync("/api/keys", new { owner = "admin" })).StatusCode);
        Assert.Single((await dave.GetFromJsonAsync<JsonElement>("/api/keys")).GetProperty("items").EnumerateArray());
        var adminKeys = await admin.PostAsJsonAsync("/api/keys", new { name = "admin's" });
        var adminKeyId = (await adminKeys.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NotFound, (await dave.DeleteAsync($"/api/keys/{adminKeyId}")).StatusCode);
        Assert.Equal(2, (await admin.GetFromJsonAsync<JsonElement>("/api/keys?all=true")).GetProperty("items").GetArrayLength());

        var users = await admin.GetFromJsonAsync<JsonElement>("/api/admin/users");
        Assert.Equal(["admin", "dave"], users.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/admin/users/dave")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await dave.GetAsync("/api/conversations")).StatusCode);
    }

    [Fact]
    public async Task The_admin_password_alone_creates_an_administrator_named_admin()
    {
        await using var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Parley:Auth:Mode"] = "accounts",
            ["Parley:Auth:AdminPassword"] = "only-a-password",
        });
        using var browser = server.BrowserClient();
        var signedIn = await browser.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = "only-a-password" });
        Assert.True((await signedIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("user").GetProperty("isAdmin").GetBoolean());
    }

    [Fact]
    public async Task An_admin_user_without_a_password_or_a_short_password_stops_startup_naming_the_setting()
    {
        var noPassword = await Assert.ThrowsAnyAsync<Exception>(() => ParleyTestServer.StartAsync(new Dictionary<string, string?> { ["Parley:Auth:AdminUser"] = "root" }));
        var shortPassword = await Assert.ThrowsAnyAsync<Exception>(() => ParleyTestServer.StartAsync(new Dictionary<string, string?> { ["Parley:Auth:AdminPassword"] = "short" }));
        var badMode = await Assert.ThrowsAnyAsync<Exception>(() => ParleyTestServer.StartAsync(new Dictionary<string, string?> { ["Parley:Auth:Mode"] = "open" }));

        Assert.Contains("PARLEY_ADMIN_PASSWORD", noPassword.Message, StringComparison.Ordinal);
        Assert.Contains("at least 8 characters", shortPassword.Message, StringComparison.Ordinal);
        Assert.Contains("'single-user' or 'accounts'", badMode.Message, StringComparison.Ordinal);
    }

    private async Task<HttpClient> SignInAsync(string user, string password)
    {
        var browser = _server.BrowserClient();
        var response = await browser.PostAsJsonAsync("/api/auth/login", new { username = user, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return browser;
    }
}
