using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Parley.Identity;
using Parley.Storage.Sqlite;
using Parley.Tests.Support;

namespace Parley.Tests.Identity;

/// <summary>
/// Upgrading a file from before accounts had ids (schema 9): an existing account's id is its name, the owner its rows
/// already carry, so its conversations, keys, usage, settings and sessions stay its own and no owned row is rewritten.
/// </summary>
public sealed class AccountIdUpgradeTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));

    public AccountIdUpgradeTests() => Directory.CreateDirectory(_folder);

    private string DatabasePath => Path.Combine(_folder, "parley.db");

    [Fact]
    public async Task A_schema_9_file_upgrades_and_its_account_keeps_its_conversations_keys_usage_settings_and_sessions()
    {
        var (keyId, key) = ApiKeySecret.Generate();
        var sessionToken = ApiKeySecret.NewSessionToken();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Execute(connection => SqliteSchema.Migrate(connection, upTo: 9));
        Execute(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO users (name, password_hash, is_admin, created_at) VALUES ('carol', $hash, 0, $now);
                INSERT INTO api_keys (id, name, owner, secret_hash, models, created_at) VALUES ($keyId, 'ci', 'carol', $keyHash, '[]', $now);
                INSERT INTO sessions (token_hash, user_name, created_at, expires_at) VALUES ($sessionHash, 'carol', $now, $now + 86400000);
                INSERT INTO conversations (id, owner, title, created_at, updated_at) VALUES ('c_carol', 'carol', 'Carol''s notes', $now, $now);
                INSERT INTO usage (at, owner, api_key, surface, requested_model, model, prompt_tokens, completion_tokens, total_tokens, cached, latency_ms, outcome)
                    VALUES ($now, 'carol', $keyId, 'openai', 'mock/echo', 'mock/echo', 3, 4, 7, 0, 1, 'ok');
                INSERT INTO owner_settings (owner, retention_days, preferences) VALUES ('carol', 30, '{"theme":"dark"}');
                """;
            command.Parameters.AddWithValue("$hash", Passwords.Hash("carol-password"));
            command.Parameters.AddWithValue("$now", now);
            command.Parameters.AddWithValue("$keyId", keyId);
            command.Parameters.AddWithValue("$keyHash", ApiKeySecret.Hash(key));
            command.Parameters.AddWithValue("$sessionHash", ApiKeySecret.Hash(sessionToken));
            command.ExecuteNonQuery();
        });
        var before = OwnedRows();

        await using (var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?> { ["Parley:Auth:Mode"] = "accounts" }, dataDirectory: _folder))
        {
            using var withKey = server.ClientWithKey(key);
            Assert.Equal("Carol's notes", (await withKey.GetFromJsonAsync<JsonElement>("/api/conversations/c_carol")).GetProperty("title").GetString());
            Assert.Equal(1, (await withKey.GetFromJsonAsync<JsonElement>("/api/usage")).GetProperty("totals").GetProperty("requests").GetInt64());
            Assert.Equal("carol", (await withKey.GetFromJsonAsync<JsonElement>("/api/keys")).GetProperty("items")[0].GetProperty("owner").GetString());

            // The session cookie from before the upgrade still signs carol in.
            using var session = new HttpRequestMessage(HttpMethod.Get, "/api/auth/session");
            session.Headers.Add("Cookie", $"{ParleyAuthentication.SessionCookie}={sessionToken}");
            using var cookieless = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = server.BaseAddress };
            using var sessionResponse = await cookieless.SendAsync(session);
            Assert.Equal(HttpStatusCode.OK, sessionResponse.StatusCode);
            Assert.Equal("carol", (await sessionResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("user").GetProperty("name").GetString());

            using var browser = server.BrowserClient();
            (await browser.PostAsJsonAsync("/api/auth/login", new { username = "Carol", password = "carol-password" })).EnsureSuccessStatusCode();
            Assert.Equal("c_carol", (await browser.GetFromJsonAsync<JsonElement>("/api/conversations")).GetProperty("items")[0].GetProperty("id").GetString());
            Assert.Equal("dark", (await browser.GetFromJsonAsync<JsonElement>("/api/me/preferences")).GetProperty("theme").GetString());
            Assert.Equal(30, (await browser.GetFromJsonAsync<JsonElement>("/api/me/retention")).GetProperty("days").GetInt32());

            // An account made after the upgrade gets a random id and none of carol's data.
            var identity = server.Services.GetRequiredService<IdentityService>();
            var dan = await identity.CreateUserAsync("dan", "dan-password", isAdmin: false);
            Assert.Matches("^u_[0-9a-f]{32}$", dan.Id);
            using var danKey = server.ClientWithKey(await server.CreateKeyAsync("dan"));
            Assert.Equal(HttpStatusCode.NotFound, (await danKey.GetAsync("/api/conversations/c_carol")).StatusCode);
        }

        Assert.Equal(before, OwnedRows());
        Execute(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT id FROM users WHERE name = 'carol'";
            Assert.Equal("carol", command.ExecuteScalar());
            command.CommandText = "PRAGMA user_version";
            Assert.Equal((long)SqliteSchema.LatestVersion, command.ExecuteScalar());
        });
    }

    /// <summary>Every owner column of carol's rows, to show the upgrade rewrote none of them.</summary>
    private string OwnedRows()
    {
        var rows = new List<string>();
        Execute(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT 'conversation ' || id || ' ' || owner FROM conversations WHERE id = 'c_carol'
                UNION ALL SELECT 'key ' || id || ' ' || owner FROM api_keys WHERE name = 'ci'
                UNION ALL SELECT 'usage ' || id || ' ' || owner FROM usage WHERE owner = 'carol'
                UNION ALL SELECT 'settings ' || owner || ' ' || preferences FROM owner_settings
                ORDER BY 1
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
                rows.Add(reader.GetString(0));
        });
        Assert.Equal(4, rows.Count);
        return string.Join('\n', rows);
    }

    private void Execute(Action<SqliteConnection> action)
    {
        using (var connection = new SqliteConnection($"Data Source={DatabasePath}"))
        {
            connection.Open();
            action(connection);
        }
        SqliteConnection.ClearAllPools();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
