using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Audit;
using Parley.Tests.Identity;
using Parley.Tests.Support;

namespace Parley.Tests.Security;

/// <summary>
/// Finding 4: five failures for one name locked the administrator's correct password out for everyone at that
/// address (behind a proxy: everyone), and concurrent bursts got 6–10 tries instead of 5. Finding 5: 300 failed
/// sign-ins wrote 300 audit rows, 290 of them for requests already refused with 429.
/// Clients reach the server through a trusted proxy (127.0.0.1), so each can say which address it is.
/// </summary>
public sealed class Finding04And05SignInLockoutTests : IAsyncLifetime
{
    private ParleyTestServer _server = null!;

    public async Task InitializeAsync() => _server = await AccountsServer.StartAsync(new Dictionary<string, string?>
    {
        ["Parley:Security:TrustedProxies:0"] = "127.0.0.1",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Finding04_an_attacker_locking_the_admin_name_does_not_lock_the_admin_out_from_another_address()
    {
        for (var i = 0; i < 8; i++)
            await SignInAsync("203.0.113.7", AccountsServer.Admin, $"guess-{i}-xx");
        Assert.Equal(HttpStatusCode.TooManyRequests, await SignInAsync("203.0.113.7", AccountsServer.Admin, AccountsServer.AdminPassword));

        Assert.Equal(HttpStatusCode.OK, await SignInAsync("198.51.100.9", AccountsServer.Admin, AccountsServer.AdminPassword));
    }

    [Fact]
    public async Task Finding04_a_concurrent_burst_gets_no_more_tries_than_the_limit()
    {
        var statuses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => SignInAsync("203.0.113.8", AccountsServer.Admin, $"burst-{i}-xx")));
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(15, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Finding04_one_address_spraying_many_names_is_capped_too()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
            statuses.Add(await SignInAsync("203.0.113.9", $"user{i}", "wrong-password"));
        Assert.Equal(20, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task Finding05_failed_sign_ins_refused_by_the_throttle_write_no_audit_rows()
    {
        for (var i = 0; i < 300; i++)
            await SignInAsync($"203.0.{113 + i % 3}.10", AccountsServer.Admin, $"flood-{i}-xx");
        var audit = _server.Services.GetRequiredService<IAuditLog>();
        Assert.True(await audit.FlushAsync(TimeSpan.FromSeconds(10)));
        var rows = await _server.Services.GetRequiredService<IAuditStore>().QueryAsync(new AuditQuery(Action: AuditActions.SignIn, Limit: 1000));
        Assert.Equal(15, rows.Items.Count);
    }

    private async Task<HttpStatusCode> SignInAsync(string address, string name, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { username = name, password }) };
        request.Headers.Add("X-Forwarded-For", address);
        using var response = await _server.Client.SendAsync(request);
        return response.StatusCode;
    }
}
