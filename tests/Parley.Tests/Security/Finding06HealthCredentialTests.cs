using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Security;

/// <summary>Finding 6: anonymous <c>/health</c> showed provider URLs whole, user name, password and <c>?api-key=</c> included.</summary>
public sealed class Finding06HealthCredentialTests
{
    [Fact]
    public async Task Finding06_health_shows_provider_urls_without_credentials()
    {
        await using var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Parley:Providers:openai:Kind"] = "openai",
            ["Parley:Providers:openai:BaseUrl"] = "http://proxyuser:Hunter2Secret@127.0.0.1:9/v1?api-key=QueryKeySecret#FragmentSecret",
            ["Parley:Providers:openai:ApiKey"] = "sk-test-HeaderKeySecret",
        });
        var body = await server.Client.GetStringAsync("/health");
        foreach (var secret in new[] { "proxyuser", "Hunter2Secret", "QueryKeySecret", "FragmentSecret", "HeaderKeySecret" })
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        var openai = JsonDocument.Parse(body).RootElement.GetProperty("providers").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "openai");
        Assert.Equal("http://127.0.0.1:9/v1?…", openai.GetProperty("baseUrl").GetString());
    }
}
