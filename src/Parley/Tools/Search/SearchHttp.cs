using System.Net;
using System.Text;
using System.Text.Json;

namespace Parley.Tools;

/// <summary>What the three search backends share: sending, error wording, JSON reading, snippet cleanup.</summary>
internal static class SearchHttp
{
    private const int MaxSnippetChars = 600;

    public static async Task<JsonDocument> SendAsync(HttpClient http, HttpRequestMessage request, string backend, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (GuardedHttp.IsBlocked(ex, out var blocked))
        {
            throw new ToolException($"{backend} is at a restricted address ({blocked!.Reason}); an administrator must allow it in Parley:Tools:AllowedNetworks.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ToolException($"{backend} could not be reached ({ex.HttpRequestError}).", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ToolException($"{backend} did not answer in time.", ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                throw new ToolException(response.StatusCode switch
                {
                    HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => $"{backend} rejected Parley's API key (HTTP {status}).",
                    HttpStatusCode.TooManyRequests => $"{backend} is rate limiting searches (HTTP 429); try again later.",
                    _ => $"{backend} answered HTTP {status}.",
                });
            }

            try
            {
                var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException ex)
            {
                throw new ToolException($"{backend} answered with something that is not JSON.", ex);
            }
        }
    }

    public static string? GetString(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static IEnumerable<JsonElement> GetArray(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];

    /// <summary>Builds results from items that have at least a URL, cleaning HTML out of titles and snippets.</summary>
    public static IReadOnlyList<WebSearchResult> Results(IEnumerable<JsonElement> items, string snippetProperty, int count) =>
        items.Select(item => (Url: GetString(item, "url"), Item: item))
            .Where(x => !string.IsNullOrWhiteSpace(x.Url))
            .Take(count)
            .Select(x => new WebSearchResult(
                PlainText(GetString(x.Item, "title") ?? x.Url!),
                x.Url!,
                PlainText(GetString(x.Item, snippetProperty) ?? "")))
            .ToList();

    /// <summary>Drops tags (Brave marks matches with &lt;strong&gt;), decodes entities, collapses whitespace.</summary>
    public static string PlainText(string html)
    {
        var sb = new StringBuilder(html.Length);
        var inTag = false;
        foreach (var c in html)
        {
            if (c == '<')
                inTag = true;
            else if (c == '>' && inTag)
                inTag = false;
            else if (!inTag)
                sb.Append(c);
        }

        var text = string.Join(' ', WebUtility.HtmlDecode(sb.ToString()).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return text.Length <= MaxSnippetChars ? text : string.Concat(text.AsSpan(0, MaxSnippetChars), "...");
    }
}
