using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Identity;
using Parley.Tests.Identity;

namespace Parley.Tests.Security;

/// <summary>
/// Finding 18: API keys stayed valid after their owner's password change. Decided (README, Security): a password
/// change ends every web session; keys are separate, revocable credentials and stay valid unless the change asks for
/// <c>revokeKeys: true</c>, which revokes them all in the same step.
/// </summary>
public sealed class Finding18KeysAfterPasswordChangeTests
{
    [Theory]
    [InlineData(false, HttpStatusCode.OK)]
    [InlineData(true, HttpStatusCode.Unauthorized)]
    public async Task Finding18_a_password_change_ends_sessions_and_revokes_keys_only_when_asked(bool revokeKeys, HttpStatusCode keyAfter)
    {
        await using var server = await AccountsServer.StartAsync();
        await server.Services.GetRequiredService<IdentityService>().CreateUserAsync("erin", "erin-password", isAdmin: false);
        using var key = server.ClientWithKey(await server.CreateKeyAsync("erin"));
        using var browser = server.BrowserClient();
        (await browser.PostAsJsonAsync("/api/auth/login", new { username = "erin", password = "erin-password" })).EnsureSuccessStatusCode();
        using var other = server.BrowserClient();
        (await other.PostAsJsonAsync("/api/auth/login", new { username = "erin", password = "erin-password" })).EnsureSuccessStatusCode();

        using var changed = await browser.PostAsJsonAsync("/api/auth/password", new { currentPassword = "erin-password", newPassword = "erin-new-password", revokeKeys });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("/api/conversations")).StatusCode);
        Assert.Equal(keyAfter, (await key.GetAsync("/api/conversations")).StatusCode);
    }
}
