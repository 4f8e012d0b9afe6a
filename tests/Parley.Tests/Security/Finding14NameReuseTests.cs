using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Identity;
using Parley.Tests.Identity;

namespace Parley.Tests.Security;

/// <summary>Finding 14: a new account named like a deleted one (<c>dave</c> deleted, <c>DAVE</c> created) read dave's conversation.</summary>
public sealed class Finding14NameReuseTests
{
    [Fact]
    public async Task Finding14_a_new_account_with_a_deleted_accounts_name_starts_empty()
    {
        await using var server = await AccountsServer.StartAsync();
        var identity = server.Services.GetRequiredService<IdentityService>();
        await identity.CreateUserAsync("dave", "dave-password", isAdmin: false);
        using var dave = server.ClientWithKey(await server.CreateKeyAsync("dave"));
        using var created = await dave.PostAsJsonAsync("/api/conversations", new { title = "Dave's secrets" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await server.CreateKeyAsync("dave");

        using var admin = server.ClientWithKey(await server.CreateKeyAsync(AccountsServer.Admin));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/admin/users/dave")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/admin/users", new { name = "DAVE", password = "new-dave-password" })).StatusCode);

        using var newDave = server.ClientWithKey(await server.CreateKeyAsync("dave"));
        Assert.Equal(HttpStatusCode.NotFound, (await newDave.GetAsync($"/api/conversations/{id}")).StatusCode);
        var list = await newDave.GetFromJsonAsync<JsonElement>("/api/conversations");
        Assert.Empty(list.GetProperty("items").EnumerateArray());
        var keys = await newDave.GetFromJsonAsync<JsonElement>("/api/keys");
        Assert.Single(keys.GetProperty("items").EnumerateArray());
    }
}
