using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Identity;
using Parley.Tests.Support;

namespace Parley.Tests.Retention;

/// <summary><c>/api/me/preferences</c> on a real server: saved per owner in the SQLite file, validated field by field.</summary>
public sealed class PreferencesApiTests
{
    [Fact]
    public async Task Preferences_are_saved_read_back_and_cleared_in_single_user_mode()
    {
        await using var server = await ParleyTestServer.StartAsync();
        var initial = await server.Client.GetFromJsonAsync<JsonElement>("/api/me/preferences");
        Assert.All(new[] { "theme", "defaultModel", "systemPrompt", "temperature" }, f => Assert.Equal(JsonValueKind.Null, initial.GetProperty(f).ValueKind));

        var put = await server.Client.PutAsJsonAsync("/api/me/preferences",
            new { theme = "Dark", defaultModel = "mock/markdown", systemPrompt = "Answer in French.", temperature = 0.4 });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var read = await server.Client.GetFromJsonAsync<JsonElement>("/api/me/preferences");
        Assert.Equal("dark", read.GetProperty("theme").GetString());
        Assert.Equal("mock/markdown", read.GetProperty("defaultModel").GetString());
        Assert.Equal("Answer in French.", read.GetProperty("systemPrompt").GetString());
        Assert.Equal(0.4, read.GetProperty("temperature").GetDouble());
        var stored = SqliteRows.Count(Path.Combine(server.DataDirectory, "parley.db"),
            "SELECT COUNT(*) FROM owner_settings WHERE owner = 'local' AND preferences LIKE '%French%'");
        Assert.Equal(1, stored);

        var cleared = await server.Client.PutAsJsonAsync("/api/me/preferences", new { });
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await server.Client.GetFromJsonAsync<JsonElement>("/api/me/preferences")).GetProperty("theme").ValueKind);
    }

    [Theory]
    [InlineData("""{"theme":"purple"}""", "theme")]
    [InlineData("""{"defaultModel":"nope/none"}""", "defaultModel")]
    [InlineData("""{"temperature":3}""", "temperature")]
    public async Task A_bad_field_is_refused_with_400_naming_it_and_nothing_changes(string body, string field)
    {
        await using var server = await ParleyTestServer.StartAsync();
        await server.Client.PutAsJsonAsync("/api/me/preferences", new { theme = "light" });
        var refused = await server.Client.PutAsync("/api/me/preferences", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("invalid_request", problem.GetProperty("code").GetString());
        Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("light", (await server.Client.GetFromJsonAsync<JsonElement>("/api/me/preferences")).GetProperty("theme").GetString());
    }

    [Fact]
    public async Task Each_user_sees_only_their_own_preferences()
    {
        await using var server = await AccountsServer.StartAsync();
        using var alice = server.ClientWithKey(await server.CreateKeyAsync("alice"));
        using var bob = server.ClientWithKey(await server.CreateKeyAsync("bob"));
        (await alice.PutAsJsonAsync("/api/me/preferences", new { systemPrompt = "alice's prompt" })).EnsureSuccessStatusCode();
        var bobs = await bob.GetFromJsonAsync<JsonElement>("/api/me/preferences");
        Assert.Equal(JsonValueKind.Null, bobs.GetProperty("systemPrompt").ValueKind);
        Assert.Equal("alice's prompt", (await alice.GetFromJsonAsync<JsonElement>("/api/me/preferences")).GetProperty("systemPrompt").GetString());
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/me/preferences")).StatusCode);
    }
}
