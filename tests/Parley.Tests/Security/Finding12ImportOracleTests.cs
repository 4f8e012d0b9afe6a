using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Identity;
using Parley.Tests.Identity;

namespace Parley.Tests.Security;

/// <summary>
/// Finding 12: import was an existence oracle: a conversation whose id was another user's came back with
/// <c>newIds:true</c> and the rest of the file with <c>false</c>, pinpointing the foreign id. Now a file that touches an
/// id the caller cannot see is imported whole under new ids, and the answer does not say which id it was.
/// </summary>
public sealed class Finding12ImportOracleTests
{
    [Fact]
    public async Task Finding12_a_foreign_id_in_an_import_is_not_pinpointed()
    {
        await using var server = await AccountsServer.StartAsync();
        await server.Services.GetRequiredService<IdentityService>().CreateUserAsync("mallory", "mallory-password", isAdmin: false);
        using var alice = server.ClientWithKey(await server.CreateKeyAsync(AccountsServer.Admin));
        using var mallory = server.ClientWithKey(await server.CreateKeyAsync("mallory"));
        using var created = await alice.PostAsJsonAsync("/api/conversations", new { title = "Alice's" });
        var alicesId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        using var response = await mallory.PostAsync("/api/import", new StringContent(File(alicesId, "c_freshfreshfresh0001"), Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var conversations = JsonDocument.Parse(body).RootElement.GetProperty("conversations").EnumerateArray().ToList();
        Assert.Equal(2, conversations.Count);
        Assert.All(conversations, c => Assert.True(c.GetProperty("newIds").GetBoolean()));
        Assert.All(conversations, c => Assert.NotEqual(alicesId, c.GetProperty("id").GetString()));

        var alices = await alice.GetFromJsonAsync<JsonElement>($"/api/conversations/{alicesId}");
        Assert.Equal("Alice's", alices.GetProperty("title").GetString());
    }

    private static string File(params string[] ids) => JsonSerializer.Serialize(new
    {
        format = "parley.export",
        version = 1,
        conversations = ids.Select((id, i) => new
        {
            id,
            title = $"Imported {i}",
            hasTitle = true,
            createdAt = "2026-01-01T00:00:00Z",
            updatedAt = "2026-01-01T00:00:00Z",
            messages = new[] { new { id = $"m_import{i}xxxxxxxxxxxxxx", role = "user", parts = new[] { new { type = "text", text = "hi" } }, status = "complete", createdAt = "2026-01-01T00:00:00Z" } },
            blobs = Array.Empty<object>(),
        }),
    });
}
