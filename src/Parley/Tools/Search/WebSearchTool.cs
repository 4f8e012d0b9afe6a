using System.ComponentModel;
using System.Text;

namespace Parley.Tools;

/// <summary>The <c>web_search</c> tool over whichever <see cref="IWebSearchBackend"/> is configured.</summary>
public sealed class WebSearchTool(IWebSearchBackend backend, int defaultCount = 5)
{
    public const string ToolName = "web_search";

    public const string Description =
        "Searches the web and returns the top results (title, URL and snippet). "
        + "Use it for recent events or facts you are unsure of; read a result with read_web_page for details.";

    private const int MaxQueryChars = 400;

    /// <summary>Results as numbered text.</summary>
    /// <exception cref="ToolException">The query is empty or the backend failed.</exception>
    public async Task<string> SearchAsync(
        [Description("What to search for, as you would type it into a search engine.")] string query,
        [Description("How many results to return (1-10).")] int? count = null,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(query))
            throw new ToolException("the query is empty.");
        query = query.Trim();
        if (query.Length > MaxQueryChars)
            query = query[..MaxQueryChars];

        var results = await backend.SearchAsync(query, Math.Clamp(count ?? defaultCount, 1, 10), cancellationToken).ConfigureAwait(false);

        return Format(query, results);
    }

    public static string Format(string query, IReadOnlyList<WebSearchResult> results)
    {
        if (results.Count == 0)
            return $"No results for \"{query}\".";
        var sb = new StringBuilder().Append("Results for \"").Append(query).Append("\":\n");
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            sb.Append('\n').Append(i + 1).Append(". ").Append(r.Title).Append('\n')
              .Append("   URL: ").Append(r.Url).Append('\n');
            if (r.Snippet.Length > 0)
                sb.Append("   ").Append(r.Snippet).Append('\n');
        }

        return sb.ToString().TrimEnd();
    }
}
