namespace Parley.Tools;

/// <summary>One web search API (SearxNG, Brave, Tavily) behind the <c>web_search</c> tool.</summary>
public interface IWebSearchBackend
{
    /// <summary>Short name for logs and errors, e.g. <c>Brave Search</c>.</summary>
    string Name { get; }

    /// <exception cref="ToolException">The backend answered with an error or something unreadable.</exception>
    Task<IReadOnlyList<WebSearchResult>> SearchAsync(string query, int count, CancellationToken cancellationToken = default);
}
