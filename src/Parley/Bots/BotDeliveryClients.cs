using Parley.Tools;

namespace Parley.Bots;

/// <summary>
/// HTTP clients for deliveries. URLs from configuration (the platform's API, a bot's CallbackUrl) are
/// trusted; a callback URL that arrived in a webhook body goes through the tools' SSRF guard, so nobody
/// can make Parley POST into its own network.
/// </summary>
public sealed class BotDeliveryClients(IHttpClientFactory factory, ToolCatalog tools) : IDisposable
{
    private readonly Lazy<HttpClient> _guarded = new(() => GuardedHttp.CreateClient(tools.AddressPolicy, Timeout.InfiniteTimeSpan, "Parley/1.0 (bot delivery)"));

    public HttpClient For(BotOptions? bot, string url)
    {
        var trusted = bot is not null && (url.StartsWith(bot.ApiUrl.TrimEnd('/') + "/", StringComparison.OrdinalIgnoreCase)
            || (bot.CallbackUrl is { Length: > 0 } callback && url == callback));
        return trusted ? factory.CreateClient("parley-bots") : _guarded.Value;
    }

    public void Dispose()
    {
        if (_guarded.IsValueCreated)
            _guarded.Value.Dispose();
    }
}
