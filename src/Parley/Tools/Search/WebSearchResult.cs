namespace Parley.Tools;

/// <summary>One hit of a web search.</summary>
public sealed record WebSearchResult(string Title, string Url, string Snippet);
