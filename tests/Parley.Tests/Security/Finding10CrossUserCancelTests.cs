using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Identity;
using Parley.Tests.Identity;

namespace Parley.Tests.Security;

/// <summary>Finding 10: <c>DELETE /api/conversations/{id}</c> stopped another user's running reply before answering 404.</summary>
public sealed class Finding10CrossUserCancelTests
{
    [Fact]
    public async Task Finding10_another_users_delete_and_cancel_do_not_stop_a_running_reply()
    {
        await using var server = await AccountsServer.StartAsync();
        await server.Services.GetRequiredService<IdentityService>().CreateUserAsync("mallory", "mallory-password", isAdmin: false);
        using var alice = server.ClientWithKey(await server.CreateKeyAsync(AccountsServer.Admin));
        using var mallory = server.ClientWithKey(await server.CreateKeyAsync("mallory"));

        using var created = await alice.PostAsJsonAsync("/api/conversations", new { });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var words = string.Join(' ', Enumerable.Range(0, 60).Select(i => $"w{i}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{id}/messages")
        {
            Content = JsonContent.Create(new { content = words + " [[mock:tps 40]]" }),
        };
        using var response = await alice.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line && !line.StartsWith("data: {\"type\":\"text\"", StringComparison.Ordinal))
        {
        }

        using var delete = await mallory.DeleteAsync($"/api/conversations/{id}");
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        using var cancel = await mallory.PostAsync($"/api/conversations/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);

        await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));
        var conversation = await alice.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        var reply = conversation.GetProperty("messages")[1];
        Assert.Equal("complete", reply.GetProperty("status").GetString());
        Assert.Contains("w59", reply.GetProperty("text").GetString(), StringComparison.Ordinal);
    }
}
