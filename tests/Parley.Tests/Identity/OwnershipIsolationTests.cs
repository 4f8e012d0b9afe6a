using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Identity;

/// <summary>No API lets one user read, list, change or delete another's conversation: every endpoint answers as if it did not exist.</summary>
public sealed class OwnershipIsolationTests : IAsyncLifetime
{
    private ParleyTestServer _server = null!;
    private HttpClient _alice = null!;
    private HttpClient _bob = null!;
    private string _conversation = null!;
    private string _userMessage = null!;
    private string _imageUrl = null!;
    private string _attachmentUrl = null!;

    public async Task InitializeAsync()
    {
        _server = await AccountsServer.StartAsync();
        _alice = _server.ClientWithKey(await _server.CreateKeyAsync("alice"));
        _bob = _server.ClientWithKey(await _server.CreateKeyAsync("bob"));
        var created = await _alice.PostAsJsonAsync("/api/conversations", new { title = "Alice's secret plans" });
        _conversation = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var reply = await Sse.PostAsync(_alice, $"/api/conversations/{_conversation}/messages", new { content = "the plan", images = new[] { TestImages.PngDataUrl } });
        var user = reply.OfType("user_message").Single().GetProperty("message");
        _userMessage = user.GetProperty("id").GetString()!;
        _imageUrl = user.GetProperty("content").EnumerateArray().Single(p => p.GetProperty("type").GetString() == "image").GetProperty("url").GetString()!;
        using var form = new MultipartFormDataContent { { new ByteArrayContent("the secret plans, in full"u8.ToArray()), "file", "plans.txt" } };
        var uploaded = await _alice.PostAsync($"/api/conversations/{_conversation}/attachments", form);
        _attachmentUrl = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
    }

    public async Task DisposeAsync()
    {
        _alice.Dispose();
        _bob.Dispose();
        await _server.DisposeAsync();
    }

    public static TheoryData<string, string, string?> OtherUsersCalls => new()
    {
        { "GET", "/api/conversations/{id}", null },
        { "PATCH", "/api/conversations/{id}", """{"title":"mine now"}""" },
        { "DELETE", "/api/conversations/{id}", null },
        { "DELETE", "/api/conversations/{id}/messages", null },
        { "POST", "/api/conversations/{id}/messages", """{"content":"let me in"}""" },
        { "POST", "/api/conversations/{id}/messages/{message}/regenerate", "{}" },
        { "POST", "/api/conversations/{id}/cancel", null },
        { "GET", "{image}", null },
        { "GET", "{attachment}", null },
        { "POST", "/api/conversations/{id}/attachments", null },
        { "GET", "/api/conversations/{id}/export", null },
        { "GET", "/api/conversations/{id}/export?format=markdown", null },
    };

    [Theory]
    [MemberData(nameof(OtherUsersCalls))]
    public async Task Another_user_gets_404_and_changes_nothing(string method, string path, string? body)
    {
        var before = await _alice.GetStringAsync($"/api/conversations/{_conversation}");
        using var request = new HttpRequestMessage(new HttpMethod(method),
            path.Replace("{image}", _imageUrl, StringComparison.Ordinal).Replace("{attachment}", _attachmentUrl, StringComparison.Ordinal)
                .Replace("{id}", _conversation, StringComparison.Ordinal)
                .Replace("{message}", _userMessage, StringComparison.Ordinal));
        if (body is not null)
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        else if (method == "POST" && path.EndsWith("/attachments", StringComparison.Ordinal))
            request.Content = new MultipartFormDataContent { { new ByteArrayContent("mine now"u8.ToArray()), "file", "mine.txt" } };

        var response = await _bob.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("secret plans", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await _alice.GetStringAsync($"/api/conversations/{_conversation}"));
        Assert.Equal(HttpStatusCode.OK, (await _alice.GetAsync(_imageUrl)).StatusCode);
        Assert.Equal("the secret plans, in full", await _alice.GetStringAsync(_attachmentUrl));
    }

    [Fact]
    public async Task Lists_and_searches_show_only_the_callers_conversations()
    {
        var bobs = await _bob.GetFromJsonAsync<JsonElement>("/api/conversations?q=plan");
        Assert.DoesNotContain("secret plans", await _bob.GetStringAsync("/api/export"), StringComparison.Ordinal);
        var alices = await _alice.GetFromJsonAsync<JsonElement>("/api/conversations?q=plan");

        Assert.Empty(bobs.GetProperty("items").EnumerateArray());
        Assert.Single(alices.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task The_owner_is_the_same_through_a_key_and_a_web_sign_in()
    {
        using var admin = _server.BrowserClient();
        await admin.PostAsJsonAsync("/api/auth/login", new { username = AccountsServer.Admin, password = AccountsServer.AdminPassword });
        await admin.PostAsJsonAsync("/api/admin/users", new { name = "alice", password = "alice-password" });
        using var aliceKey = _server.ClientWithKey(await _server.CreateKeyAsync("alice"));
        using var created = await aliceKey.PostAsJsonAsync("/api/conversations", new { title = "made with the account's key" });
        var conversation = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var browser = _server.BrowserClient();
        await browser.PostAsJsonAsync("/api/auth/login", new { username = "alice", password = "alice-password" });

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/api/conversations/{conversation}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/conversations/{conversation}")).StatusCode);
        // The key made for the name "alice" before this account existed belongs to that earlier owner, not to the new
        // account (finding 14: accounts own data by id, so a new account never inherits what a name owned before it).
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/api/conversations/{_conversation}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _alice.GetAsync($"/api/conversations/{_conversation}")).StatusCode);
    }
}
