using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Parley.Identity;
using Parley.Tests.Support;

namespace Parley.Tests.Identity;

/// <summary>The default: no sign-in for this machine, which acts as the local administrator; Parley keys still count.</summary>
public sealed class SingleUserModeTests : IAsyncLifetime
{
    private ParleyTestServer _server = null!;

    public async Task InitializeAsync() => _server = await ParleyTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task This_machine_is_the_local_administrator_without_credentials()
    {
        var session = await _server.Client.GetFromJsonAsync<JsonElement>("/api/auth/session");

        Assert.Equal("local", session.GetProperty("user").GetProperty("name").GetString());
        Assert.True(session.GetProperty("user").GetProperty("isAdmin").GetBoolean());
        Assert.Equal("single-user", session.GetProperty("mode").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _server.Client.GetAsync("/api/admin/users")).StatusCode);
    }

    [Fact]
    public async Task OpenAI_clients_placeholder_keys_are_not_credentials_but_broken_Parley_keys_are_refused()
    {
        using var placeholder = _server.ClientWithKey("sk-anything");
        using var broken = _server.ClientWithKey("pk_abcdefghijkl_not-the-secret");
        var body = new { model = "mock/echo", messages = new[] { new { role = "user", content = "hi" } } };

        Assert.Equal(HttpStatusCode.OK, (await placeholder.PostAsJsonAsync("/v1/chat/completions", body)).StatusCode);
        var refused = await broken.PostAsJsonAsync("/v1/chat/completions", body);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("invalid_api_key", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_key_created_in_single_user_mode_acts_for_its_owner_with_its_models()
    {
        var created = await _server.Client.PostAsJsonAsync("/api/keys", new { name = "script", models = new[] { "mock/markdown" } });
        var secret = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        using var client = _server.ClientWithKey(secret);

        var session = await client.GetFromJsonAsync<JsonElement>("/api/auth/session");
        Assert.Equal("key", session.GetProperty("via").GetString());
        Assert.Equal("local", session.GetProperty("user").GetProperty("name").GetString());
        var refused = await client.PostAsJsonAsync("/v1/chat/completions", new { model = "mock/echo", messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task A_key_cannot_mint_a_wider_key_for_its_owner()
    {
        await using var server = await AccountsServer.StartAsync();
        using var narrow = server.ClientWithKey(await server.CreateKeyAsync("alice", models: ["mock/markdown"], requestsPerMinute: 2));

        var minted = await narrow.PostAsJsonAsync("/api/keys", new { name = "wider" });

        Assert.Equal(HttpStatusCode.Forbidden, minted.StatusCode);
        Assert.Equal("forbidden", (await minted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, (await narrow.GetAsync("/api/keys")).StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.0.0.7", false)]
    [InlineData("192.168.1.20", false)]
    [InlineData("2001:db8::1", false)]
    public async Task Only_requests_from_this_machine_are_trusted_without_a_key(string remote, bool trusted)
    {
        // The address policy as a unit: no traffic leaves loopback; the handler sees the connection's remote address.
        var context = new DefaultHttpContext { RequestServices = _server.Services.CreateScope().ServiceProvider };
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);

        var result = await context.AuthenticateAsync(ParleyAuthentication.SchemeName);

        Assert.Equal(trusted, result.Succeeded);
        if (!trusted)
            Assert.Contains("single-user mode", result.Failure!.Message, StringComparison.Ordinal);
    }
}
