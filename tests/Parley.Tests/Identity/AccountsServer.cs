using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Parley.Identity;
using Parley.Tests.Support;

namespace Parley.Tests.Identity;

/// <summary>A real Parley server in accounts mode with an administrator, and clients that carry a user's API key.</summary>
internal static class AccountsServer
{
    public const string Admin = "admin";
    public const string AdminPassword = "admin-password";

    public static Task<ParleyTestServer> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Parley:Auth:Mode"] = "accounts",
            ["Parley:Auth:AdminUser"] = Admin,
            ["Parley:Auth:AdminPassword"] = AdminPassword,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            all[key] = value;
        return ParleyTestServer.StartAsync(all);
    }

    /// <summary>A key for the owner people call <paramref name="owner"/>: that account's, or an owner without an account of that name.</summary>
    public static async Task<string> CreateKeyAsync(this ParleyTestServer server, string owner, IReadOnlyList<string>? models = null,
        int? requestsPerMinute = null, int? maxConcurrentStreams = null, long? dailyTokenLimit = null)
    {
        var identity = server.Services.GetRequiredService<IdentityService>();
        var (_, secret) = await identity.CreateKeyAsync(
            new NewApiKey("test", await identity.OwnerIdOfAsync(owner), models, requestsPerMinute, dailyTokenLimit, maxConcurrentStreams));
        return secret;
    }

    /// <summary>The owner id the data of the owner named <paramref name="name"/> is stored under.</summary>
    public static Task<string> OwnerIdAsync(this ParleyTestServer server, string name) =>
        server.Services.GetRequiredService<IdentityService>().OwnerIdOfAsync(name);

    public static HttpClient ClientWithKey(this ParleyTestServer server, string key)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>A client that keeps cookies, as a browser does.</summary>
    public static HttpClient BrowserClient(this ParleyTestServer server) =>
        new(new HttpClientHandler { UseCookies = true, CookieContainer = new System.Net.CookieContainer() })
        {
            BaseAddress = server.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
}
