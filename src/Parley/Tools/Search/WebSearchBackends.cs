namespace Parley.Tools;

/// <summary>Names accepted in <see cref="WebSearchToolOptions.Backend"/>.</summary>
public static class WebSearchBackends
{
    public const string SearxNG = "searxng";
    public const string Brave = "brave";
    public const string Tavily = "tavily";

    /// <summary>The backend <paramref name="options"/> configure, or null when web search is not configured.</summary>
    /// <exception cref="InvalidOperationException">The backend name is unknown or a required setting is missing.</exception>
    public static IWebSearchBackend? Create(WebSearchToolOptions options, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(options);
        var backend = options.Backend?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(backend))
            return null;

        return backend switch
        {
            SearxNG => new SearxNGSearchBackend(http, ParseBase(options.BaseUrl
                ?? throw new InvalidOperationException("Parley:Tools:WebSearch:BaseUrl is required for SearxNG (e.g. http://searx.lan:8080)."))),
            Brave => new BraveSearchBackend(http, RequireKey(options, "Brave Search"), ParseBase(options.BaseUrl ?? BraveSearchBackend.DefaultBaseUrl)),
            Tavily => new TavilySearchBackend(http, RequireKey(options, "Tavily"), ParseBase(options.BaseUrl ?? TavilySearchBackend.DefaultBaseUrl)),
            _ => throw new InvalidOperationException(
                $"Parley:Tools:WebSearch:Backend \"{options.Backend}\" is unknown; use {SearxNG}, {Brave} or {Tavily}."),
        };
    }

    internal static Uri ParseBase(string url) =>
        Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new InvalidOperationException($"Parley:Tools:WebSearch:BaseUrl \"{url}\" is not an http(s) URL.");

    private static string RequireKey(WebSearchToolOptions options, string name) =>
        string.IsNullOrWhiteSpace(options.ApiKey)
            ? throw new InvalidOperationException($"Parley:Tools:WebSearch:ApiKey is required for {name}.")
            : options.ApiKey;
}
