using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Audit;
using Parley.Tests.Identity;
using Parley.Tests.Retention;
using Parley.Tests.Support;

namespace Parley.Tests.Audit;

/// <summary>Every audited event, recorded by a real server in accounts mode and read back through <c>GET /api/admin/audit</c>.</summary>
public sealed class AuditTrailTests
{
    private const string AlicePassword = "alice-password-1";

    private static async Task<List<JsonElement>> AuditAsync(HttpClient admin, string query = "")
    {
        var response = await admin.GetAsync("/api/admin/audit?limit=500" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray()];
    }

    private static string S(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? "" : e.GetProperty(name).GetString()!;

    private static JsonElement Single(List<JsonElement> rows, string action, string outcome, string? target = null) =>
        Assert.Single(rows, r => S(r, "action") == action && S(r, "outcome") == outcome && (target is null || S(r, "target") == target));

    [Fact]
    public async Task Security_events_are_recorded_with_actor_target_outcome_and_address_and_only_admins_read_them()
    {
        await using var server = await AccountsServer.StartAsync();
        using var admin = server.BrowserClient();
        (await admin.PostAsJsonAsync("/api/auth/login", new { username = AccountsServer.Admin, password = "wrong-password" })).Dispose();
        (await admin.PostAsJsonAsync("/api/auth/login", new { username = "my-secret-typed-as-name", password = "x" })).Dispose();
        (await admin.PostAsJsonAsync("/api/auth/login", new { username = AccountsServer.Admin, password = AccountsServer.AdminPassword })).EnsureSuccessStatusCode();

        (await admin.PostAsJsonAsync("/api/admin/users", new { name = "alice", password = AlicePassword })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/admin/users", new { name = "bob", password = "bob-password-12" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/admin/users", new { name = "bob", password = "bob-password-12" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/admin/users/bob")).StatusCode);

        var created = await admin.PostAsJsonAsync("/api/keys", new { name = "ci", owner = "alice", models = new[] { "mock/*" } });
        var key = await created.Content.ReadFromJsonAsync<JsonElement>();
        var keyId = S(key, "id");
        var secret = S(key, "key");
        using (var byKey = server.ClientWithKey(secret))
            Assert.Equal(HttpStatusCode.OK, (await byKey.GetAsync("/api/conversations")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/keys/{keyId}")).StatusCode);
        using (var revoked = server.ClientWithKey(secret))
            Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("/api/conversations")).StatusCode);
        using (var unknown = server.ClientWithKey("pk_zzzzzzzzzzzz_not-a-real-secret"))
            Assert.Equal(HttpStatusCode.Unauthorized, (await unknown.GetAsync("/api/conversations")).StatusCode);

        using var alice = server.BrowserClient();
        (await alice.PostAsJsonAsync("/api/auth/login", new { username = "alice", password = AlicePassword })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await alice.PostAsJsonAsync("/api/auth/password", new { currentPassword = "nope", newPassword = "alice-password-2" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent,
            (await alice.PostAsJsonAsync("/api/auth/password", new { currentPassword = AlicePassword, newPassword = "alice-password-2" })).StatusCode);
        (await alice.PostAsJsonAsync("/api/auth/login", new { username = "alice", password = "alice-password-2" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/api/admin/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/api/export?format=markdown")).StatusCode);
        using (var deleteRequest = new HttpRequestMessage(HttpMethod.Delete, "/api/me/data") { Content = JsonContent.Create(new { confirm = "delete all my data" }) })
            Assert.Equal(HttpStatusCode.OK, (await alice.SendAsync(deleteRequest)).StatusCode);

        var rows = await AuditAsync(admin);

        var failed = rows.Where(r => S(r, "action") == AuditActions.SignIn && S(r, "outcome") == AuditActions.Failure).ToList();
        Assert.Equal(2, failed.Count);
        Assert.Contains(failed, r => S(r, "target") == "user:admin" && S(r, "detail") == "invalid_credentials" && S(r, "actor") == "anonymous");
        Assert.Contains(failed, r => S(r, "target") == "(unknown user)");
        Assert.Equal(3, rows.Count(r => S(r, "action") == AuditActions.SignIn && S(r, "outcome") == AuditActions.Success));
        var signIn = rows.First(r => S(r, "action") == AuditActions.SignIn && S(r, "actor") == "admin");
        Assert.Equal("127.0.0.1", S(signIn, "address"));

        Assert.Equal("admin", S(Single(rows, AuditActions.UserCreated, AuditActions.Success, "user:alice"), "actor"));
        Assert.Equal("user_exists", S(Single(rows, AuditActions.UserCreated, AuditActions.Failure, "user:bob"), "detail"));
        Single(rows, AuditActions.UserDeleted, AuditActions.Success, "user:bob");
        Assert.Contains("owner alice", S(Single(rows, AuditActions.KeyCreated, AuditActions.Success, "key:" + keyId), "detail"), StringComparison.Ordinal);
        Single(rows, AuditActions.KeyRevoked, AuditActions.Success, "key:" + keyId);
        Assert.Equal("api_key_revoked", S(Single(rows, AuditActions.KeyRefused, AuditActions.Failure, "key:" + keyId), "detail"));
        Assert.Equal("invalid_api_key", S(Single(rows, AuditActions.KeyRefused, AuditActions.Failure, "(unknown key)"), "detail"));
        Assert.Equal("invalid_credentials", S(Single(rows, AuditActions.PasswordChanged, AuditActions.Failure), "detail"));
        Assert.Equal("alice", S(Single(rows, AuditActions.PasswordChanged, AuditActions.Success), "actor"));
        Assert.Contains("deleted 0 conversations", S(Single(rows, AuditActions.DataDeleted, AuditActions.Success, "alice"), "detail"), StringComparison.Ordinal);
        Assert.Contains(rows, r => S(r, "action") == AuditActions.RetentionRun && S(r, "actor") == "system");
        Assert.Equal("markdown", S(Single(rows, AuditActions.DataExported, AuditActions.Success, "all conversations"), "detail"));

        // Filters: an action prefix, an actor, a time window, a small page and its cursor.
        Assert.All(await AuditAsync(admin, "&action=key"), r => Assert.StartsWith("key.", S(r, "action"), StringComparison.Ordinal));
        Assert.All(await AuditAsync(admin, "&actor=ALICE"), r => Assert.Equal("alice", S(r, "actor")));
        Assert.Empty(await AuditAsync(admin, "&to=2020-01-01T00:00:00Z"));
        var page = await (await admin.GetAsync("/api/admin/audit?limit=3")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, page.GetProperty("items").GetArrayLength());
        var next = await (await admin.GetAsync($"/api/admin/audit?limit=3&cursor={page.GetProperty("nextCursor").GetString()}")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(next.GetProperty("items")[0].GetProperty("id").GetInt64() < page.GetProperty("items")[2].GetProperty("id").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/admin/audit?cursor=xyz")).StatusCode);

        // Nothing secret reached the table: passwords, the key's secret, the name typed as a secret.
        var everything = string.Join('\n', SqliteRows.Strings(Path.Combine(server.DataDirectory, "parley.db"), "SELECT * FROM audit"));
        foreach (var secretText in new[] { AccountsServer.AdminPassword, "wrong-password", AlicePassword, "alice-password-2", secret, secret[(secret.LastIndexOf('_') + 1)..], "my-secret-typed-as-name" })
            Assert.DoesNotContain(secretText, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flood_of_bad_keys_is_capped_per_minute_and_still_answered_401()
    {
        await using var server = await AccountsServer.StartAsync(new Dictionary<string, string?> { ["Parley:Audit:MaxRefusalsPerMinute"] = "5" });
        var tasks = Enumerable.Range(0, 60).Select(async i =>
        {
            using var client = server.ClientWithKey($"pk_{i:D12}_bad-secret-{i}");
            return (await client.GetAsync("/api/conversations")).StatusCode;
        });
        Assert.All(await Task.WhenAll(tasks), status => Assert.Equal(HttpStatusCode.Unauthorized, status));

        await server.Services.GetRequiredService<IAuditLog>().FlushAsync(TimeSpan.FromSeconds(5));
        var database = Path.Combine(server.DataDirectory, "parley.db");
        var refused = SqliteRows.Count(database, "SELECT COUNT(*) FROM audit WHERE action = 'auth.key_refused'");
        // Five a minute; the run may straddle a minute boundary (then five more and one summary row).
        Assert.InRange(refused, 5, 11);
    }
}
