namespace Parley.Tools;

/// <summary>Brave Search API: <c>GET {base}web/search?q=...&amp;count=N</c> with the <c>X-Subscription-Token</c> header.</summary>
public sealed class BraveSearchBackend(HttpClient http, string apiKey, Uri baseUrl) : IWebSearchBackend
{
    public const string DefaultBaseUrl = "https://api.search.brave.com/res/v1/";

    public string Name => "Brave Search";

    public async Task<IReadOnlyList<WebSearchResult>> SearchAsync(string query, int count, CancellationToken cancellationToken = default)
    {
        var uri = new Uri(baseUrl, $"web/search?q={Uri.EscapeDataString(query)}&count={Math.Clamp(count, 1, 20)}");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Add("X-Subscription-Token", apiKey);
        using var json = await SearchHttp.SendAsync(http, request, Name, cancellationToken).ConfigureAwait(false);
        var web = json.RootElement.TryGetProperty("web", out var w) ? w : default;
        return SearchHttp.Results(SearchHttp.GetArray(web, "results"), "description", count);
    }
}
