namespace Parley.Tools;

/// <summary>SearxNG's JSON API: <c>GET {base}/search?q=...&amp;format=json</c> (the instance must enable the json format).</summary>
public sealed class SearxNGSearchBackend(HttpClient http, Uri baseUrl) : IWebSearchBackend
{
    public string Name => "SearxNG";

    public async Task<IReadOnlyList<WebSearchResult>> SearchAsync(string query, int count, CancellationToken cancellationToken = default)
    {
        var uri = new Uri(baseUrl, $"search?q={Uri.EscapeDataString(query)}&format=json&safesearch=1");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.ParseAdd("application/json");
        using var json = await SearchHttp.SendAsync(http, request, Name, cancellationToken).ConfigureAwait(false);
        return SearchHttp.Results(SearchHttp.GetArray(json.RootElement, "results"), "content", count);
    }
}
