using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Parley.Tools;

/// <summary>Tavily: <c>POST {base}search</c> with a JSON body and the key as a bearer token.</summary>
public sealed class TavilySearchBackend(HttpClient http, string apiKey, Uri baseUrl) : IWebSearchBackend
{
    public const string DefaultBaseUrl = "https://api.tavily.com/";

    public string Name => "Tavily";

    public async Task<IReadOnlyList<WebSearchResult>> SearchAsync(string query, int count, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "search"))
        {
            Content = JsonContent.Create(new TavilyRequest(query, Math.Clamp(count, 1, 20), "basic")),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        request.Headers.Accept.ParseAdd("application/json");
        using var json = await SearchHttp.SendAsync(http, request, Name, cancellationToken).ConfigureAwait(false);
        return SearchHttp.Results(SearchHttp.GetArray(json.RootElement, "results"), "content", count);
    }

    private sealed record TavilyRequest(
        [property: System.Text.Json.Serialization.JsonPropertyName("query")] string Query,
        [property: System.Text.Json.Serialization.JsonPropertyName("max_results")] int MaxResults,
        [property: System.Text.Json.Serialization.JsonPropertyName("search_depth")] string SearchDepth);
}
