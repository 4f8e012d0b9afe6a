namespace Parley.Privacy;

/// <summary>A configured URL as it may be shown to anyone: no user name, password, query or fragment (keys hide there).</summary>
public static class UrlRedaction
{
    public static string? WithoutCredentials(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
            return null;
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return "(set)";
        var shown = $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}";
        return uri.Query.Length > 1 ? shown + "?…" : shown;
    }
}
