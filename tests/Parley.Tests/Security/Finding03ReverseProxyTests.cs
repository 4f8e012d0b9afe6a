using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Identity;
using Parley.Tests.Identity;
using Parley.Tests.Support;

namespace Parley.Tests.Security;

/// <summary>
/// Finding 3: single-user Parley behind a reverse proxy on the same host made every visitor the local administrator,
/// and forwarded headers were ignored, so the session cookie was never Secure behind a TLS proxy.
/// </summary>
public sealed class Finding03ReverseProxyTests
{
    [Fact]
    public async Task Finding03_a_proxied_request_is_not_the_local_administrator_in_single_user_mode()
    {
        await using var server = await ParleyTestServer.StartAsync();
        using var session = Proxied(HttpMethod.Get, "/api/auth/session");
        using var sessionResponse = await server.Client.SendAsync(session);
        await Finding02CrossSiteRequestTests.AssertProblemAsync(sessionResponse, HttpStatusCode.Unauthorized, "proxied_single_user");

        using var key = Proxied(HttpMethod.Post, "/api/keys");
        key.Content = JsonContent.Create(new { name = "from the internet" });
        using var keyResponse = await server.Client.SendAsync(key);
        Assert.Equal(HttpStatusCode.Unauthorized, keyResponse.StatusCode);
        Assert.Empty(await server.Services.GetRequiredService<IIdentityStore>().ListKeysAsync(null));
    }

    [Fact]
    public async Task Finding03_the_operator_can_let_proxied_requests_in_when_the_proxy_authenticates()
    {
        await using var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?> { ["Parley:Security:AllowProxiedSingleUser"] = "true" });
        using var session = Proxied(HttpMethod.Get, "/api/auth/session");
        using var response = await server.Client.SendAsync(session);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Finding03_forwarded_proto_from_a_trusted_proxy_makes_the_session_cookie_secure()
    {
        await using var server = await AccountsServer.StartAsync(new Dictionary<string, string?> { ["Parley:Security:TrustedProxies:0"] = "127.0.0.1" });
        using var login = Proxied(HttpMethod.Post, "/api/auth/login");
        login.Content = JsonContent.Create(new { username = AccountsServer.Admin, password = AccountsServer.AdminPassword });
        using var response = await server.Client.SendAsync(login);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Finding03_forwarded_headers_from_an_untrusted_peer_are_ignored()
    {
        await using var server = await AccountsServer.StartAsync();
        using var login = Proxied(HttpMethod.Post, "/api/auth/login");
        login.Content = JsonContent.Create(new { username = AccountsServer.Admin, password = AccountsServer.AdminPassword });
        using var response = await server.Client.SendAsync(login);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    private static HttpRequestMessage Proxied(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Add("X-Forwarded-Proto", "https");
        return request;
    }
}
