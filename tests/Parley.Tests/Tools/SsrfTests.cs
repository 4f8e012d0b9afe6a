using Microsoft.AspNetCore.Http;
using Parley.Tools;
using Xunit;

namespace Parley.Tests.Tools;

/// <summary>
/// The address policy enforced on real connections. Only loopback targets are used, in every spelling, against
/// servers that count their requests: a refused URL must leave the count at zero.
/// </summary>
public sealed class SsrfTests
{
    private static WebPageReader Reader(AddressPolicy policy) =>
        new(GuardedHttp.CreateClient(policy, TimeSpan.FromSeconds(10)), new ReadWebPageToolOptions { TimeoutSeconds = 5 });

    private static readonly RequestDelegate Secret = async context =>
    {
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync("internal secret");
    };

    [Theory]
    [InlineData("http://127.0.0.1:{0}/")]
    [InlineData("http://127.1.2.3:{0}/")]
    [InlineData("http://localhost:{0}/")]
    [InlineData("http://LocalHost:{0}/")]
    [InlineData("http://[::1]:{0}/")]
    [InlineData("http://[::ffff:127.0.0.1]:{0}/")]
    [InlineData("http://2130706433:{0}/")]
    [InlineData("http://0x7f.1:{0}/")]
    [InlineData("http://0177.0.0.1:{0}/")]
    [InlineData("http://127.1:{0}/")]
    [InlineData("http://0.0.0.0:{0}/")]
    public async Task RefusesLoopbackInEverySpellingWhenNotAllowlisted(string template)
    {
        await using var server = await LocalServer.StartAsync(Secret, ipv6: true);
        var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, server.Port);

        var text = await Reader(new AddressPolicy()).ReadTextAsync(url);

        Assert.StartsWith("Error: ", text, StringComparison.Ordinal);
        Assert.Contains("restricted network", text, StringComparison.Ordinal);
        Assert.DoesNotContain("internal secret", text, StringComparison.Ordinal);
        Assert.Equal(0, server.Hits);
    }

    [Fact]
    public async Task AllowlistedHostAndPortIsReachableButNoOtherPort()
    {
        await using var allowed = await LocalServer.StartAsync(Secret);
        await using var other = await LocalServer.StartAsync(Secret);
        var reader = Reader(new AddressPolicy([$"127.0.0.1:{allowed.Port}"]));

        Assert.EndsWith("internal secret", await reader.ReadTextAsync(allowed.Url().ToString()), StringComparison.Ordinal);
        Assert.Contains("restricted network", await reader.ReadTextAsync(other.Url().ToString()), StringComparison.Ordinal);
        Assert.Equal(1, allowed.Hits);
        Assert.Equal(0, other.Hits);
    }

    [Theory]
    [InlineData("http://127.0.0.1:{0}/")]
    [InlineData("http://localhost:{0}/")]
    [InlineData("http://[::1]:{0}/")]
    [InlineData("http://2130706433:{0}/")]
    public async Task RedirectFromAnAllowedServerToAnotherLoopbackPortIsRefused(string target)
    {
        await using var inner = await LocalServer.StartAsync(Secret, ipv6: true);
        await using var allowed = await LocalServer.StartAsync(context =>
        {
            context.Response.Redirect(string.Format(System.Globalization.CultureInfo.InvariantCulture, target, inner.Port));
            return Task.CompletedTask;
        });

        var text = await Reader(new AddressPolicy([$"127.0.0.1:{allowed.Port}"])).ReadTextAsync(allowed.Url("/go").ToString());

        Assert.StartsWith("Error: ", text, StringComparison.Ordinal);
        Assert.Contains("restricted network", text, StringComparison.Ordinal);
        Assert.Equal(1, allowed.Hits);
        Assert.Equal(0, inner.Hits);
    }

    [Fact]
    public async Task AllowlistedHostNameAllowsWhatItResolvesTo()
    {
        await using var server = await LocalServer.StartAsync(Secret);
        var reader = Reader(new AddressPolicy([$"localhost:{server.Port}"]));

        Assert.EndsWith("internal secret", await reader.ReadTextAsync($"http://localhost:{server.Port}/"), StringComparison.Ordinal);
        // The host entry does not make the address itself allowed under another name.
        Assert.Contains("restricted network", await reader.ReadTextAsync(server.Url().ToString()), StringComparison.Ordinal);
        Assert.Equal(1, server.Hits);
    }
}
