using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Parley.Identity;
using Parley.Storage;
using Parley.Tests.Identity;
using Parley.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Parley.Tests.Security;

/// <summary>
/// Finding 2: a text/plain no-cors fetch from another origin planted a conversation through /api/import (with no
/// credentials in single-user mode, with the victim's cookie in accounts mode), /cancel and /logout took any body, and
/// a request for Host: rebind.attacker.example was served and created an API key.
/// </summary>
public sealed class Finding02CrossSiteRequestTests
{
    private static readonly string ImportBody = Portability.PortabilitySamples.ChatGptExport().ToJsonString();

    [Fact]
    public async Task Finding02_text_plain_import_from_another_site_is_refused_in_single_user_mode()
    {
        await using var server = await ParleyTestServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/import") { Content = new StringContent(ImportBody, Encoding.UTF8, "text/plain") };
        request.Headers.Add("Origin", "http://evil.example");
        request.Headers.Add("Sec-Fetch-Site", "cross-site");
        using var response = await server.Client.SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "cross_origin");
        Assert.Equal(0, await CountConversationsAsync(server, UserNames.Local));
    }

    [Fact]
    public async Task Finding02_text_plain_import_without_browser_headers_is_refused_as_the_wrong_media_type()
    {
        await using var server = await ParleyTestServer.StartAsync();
        using var response = await server.Client.PostAsync("/api/import", new StringContent(ImportBody, Encoding.UTF8, "text/plain"));
        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Equal(0, await CountConversationsAsync(server, UserNames.Local));
    }

    [Fact]
    public async Task Finding02_same_site_other_port_import_with_the_victims_cookie_is_refused_in_accounts_mode()
    {
        await using var server = await AccountsServer.StartAsync();
        using var browser = await SignedInBrowserAsync(server);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/import") { Content = new StringContent(ImportBody, Encoding.UTF8, "application/json") };
        request.Headers.Add("Origin", $"http://127.0.0.1:{server.BaseAddress.Port + 1}");
        request.Headers.Add("Sec-Fetch-Site", "same-site");
        using var response = await browser.SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "cross_origin");
        Assert.Equal(0, await CountConversationsAsync(server, AccountsServer.Admin));
    }

    [Fact]
    public async Task Finding02_same_origin_json_from_the_web_app_still_works()
    {
        await using var server = await AccountsServer.StartAsync();
        using var browser = await SignedInBrowserAsync(server);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/import") { Content = new StringContent(ImportBody, Encoding.UTF8, "application/json") };
        request.Headers.Add("Origin", server.BaseAddress.GetLeftPart(UriPartial.Authority));
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        using var response = await browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await CountConversationsAsync(server, AccountsServer.Admin) > 0);
    }

    [Theory]
    [InlineData("/api/auth/logout")]
    [InlineData("/api/conversations/any/cancel")]
    public async Task Finding02_logout_and_cancel_refuse_cross_site_bodies(string path)
    {
        await using var server = await AccountsServer.StartAsync();
        using var browser = await SignedInBrowserAsync(server);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("x", Encoding.UTF8, "text/plain") };
        request.Headers.Add("Sec-Fetch-Site", "cross-site");
        using var response = await browser.SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "cross_origin");
        using var session = await browser.GetAsync("/api/auth/session");
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
    }

    [Fact]
    public async Task Finding02_a_rebound_host_name_is_refused_and_creates_no_key()
    {
        await using var server = await ParleyTestServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/keys") { Content = JsonContent.Create(new { name = "rebound" }) };
        request.Headers.Host = $"rebind.attacker.example:{server.BaseAddress.Port}";
        using var response = await server.Client.SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "host_not_allowed");
        var keys = await server.Services.GetRequiredService<IIdentityStore>().ListKeysAsync(null);
        Assert.Empty(keys);

        using var page = new HttpRequestMessage(HttpMethod.Get, "/health");
        page.Headers.Host = "rebind.attacker.example";
        using var pageResponse = await server.Client.SendAsync(page);
        Assert.Equal(HttpStatusCode.BadRequest, pageResponse.StatusCode);
    }

    [Fact]
    public async Task Configured_host_names_are_served()
    {
        await using var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?> { ["Parley:Security:AllowedHosts:0"] = "*.chat.example" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Host = "eu.chat.example";
        using var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var other = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        other.Headers.Host = "chat.example.evil";
        using var refused = await server.Client.SendAsync(other);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    private static async Task<HttpClient> SignedInBrowserAsync(ParleyTestServer server)
    {
        var browser = server.BrowserClient();
        using var login = await browser.PostAsJsonAsync("/api/auth/login", new { username = AccountsServer.Admin, password = AccountsServer.AdminPassword });
        login.EnsureSuccessStatusCode();
        return browser;
    }

    private static async Task<int> CountConversationsAsync(ParleyTestServer server, string owner) =>
        (await server.Services.GetRequiredService<IConversationStore>().ListConversationsAsync(await server.OwnerIdAsync(owner), new ConversationQuery(100))).Items.Count;

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        var json = JsonDocument.Parse(body).RootElement;
        var actual = json.TryGetProperty("code", out var c) ? c.GetString() : json.GetProperty("error").GetProperty("code").GetString();
        Assert.Equal(code, actual);
        var detail = json.TryGetProperty("detail", out var d) ? d.GetString() : json.GetProperty("error").GetProperty("message").GetString();
        Assert.False(string.IsNullOrWhiteSpace(detail));
    }
}
