using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Parley.Tools;

/// <summary>
/// The <c>read_web_page</c> tool: fetches an http(s) URL through <see cref="GuardedHttp"/> and returns its readable
/// text. The body is read up to <see cref="ReadWebPageToolOptions.MaxBytes"/> (the rest is never downloaded), the
/// whole fetch is bounded by <see cref="ReadWebPageToolOptions.TimeoutSeconds"/>, redirects are followed by hand (each
/// hop is a new request whose connection the address policy checks again) up to
/// <see cref="ReadWebPageToolOptions.MaxRedirects"/>. HTML becomes markdown-like text (<see cref="HtmlText"/>);
/// plain text, markdown, CSV, JSON and XML are returned as they are; PDFs, images and other types are refused.
/// </summary>
public sealed class WebPageReader(HttpClient http, ReadWebPageToolOptions options)
{
    public const string ToolName = "read_web_page";

    public const string Description =
        "Fetches a web page (http or https URL) and returns its readable text with headings, lists and links. "
        + "Use it to read a search result or a page the user mentions.";

    /// <summary>Reads <paramref name="url"/>.</summary>
    /// <exception cref="ToolException">The URL is not http(s), the page could not be fetched or is not text.</exception>
    [SuppressMessage("Design", "CA1054:URI-like parameters should not be strings", Justification = "The model sends a string.")]
    public async Task<string> ReadAsync(string url, CancellationToken cancellationToken = default)
    {
        if (!Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ToolException("give an absolute http:// or https:// URL.");

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
        try
        {
            return await FetchAsync(uri, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ToolException($"{uri} did not answer within {options.TimeoutSeconds} seconds.");
        }
        catch (HttpRequestException ex) when (GuardedHttp.IsBlocked(ex, out var blocked))
        {
            throw new ToolException($"{blocked!.Host} is on a private, local or otherwise restricted network ({blocked.Reason}); Parley does not read pages there.");
        }
        catch (HttpRequestException ex)
        {
            throw new ToolException($"could not fetch {uri} ({ex.HttpRequestError}).");
        }
    }

    private async Task<string> FetchAsync(Uri uri, CancellationToken cancellationToken)
    {
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Accept.ParseAdd("text/html, application/xhtml+xml, text/plain;q=0.9, */*;q=0.5");
            if (!string.IsNullOrWhiteSpace(options.UserAgent))
                request.Headers.UserAgent.TryParseAdd(options.UserAgent);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);

            if (IsRedirect(response.StatusCode))
            {
                var location = response.Headers.Location;
                if (location is null)
                    throw new ToolException($"{uri} redirected without saying where to (HTTP {(int)response.StatusCode}).");
                if (hop >= options.MaxRedirects)
                    throw new ToolException($"{uri} redirected more than {options.MaxRedirects} times; stopped following.");
                var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
                    throw new ToolException($"{uri} redirected to a non-http address ({next.Scheme}:), which Parley does not follow.");
                uri = next;
                continue;
            }

            if (!response.IsSuccessStatusCode)
                throw new ToolException($"{uri} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");

            var mediaType = response.Content.Headers.ContentType?.MediaType?.ToLowerInvariant() ?? "";
            var kind = Classify(mediaType);
            if (kind == ContentKind.Pdf)
                throw new ToolException($"{uri} is a PDF document; Parley cannot read PDFs. Look for an HTML version of the page.");
            if (kind == ContentKind.Unsupported)
                throw new ToolException($"{uri} is {(mediaType.Length == 0 ? "of an unknown type" : mediaType)}, not a web page or text; Parley reads HTML and plain text only.");

            var (body, truncated) = await ReadCappedAsync(response.Content, cancellationToken).ConfigureAwait(false);
            var text = kind == ContentKind.Html ? HtmlText.Extract(body, uri) : body.Trim();
            var header = kind == ContentKind.Html ? "" : $"URL: {uri}\n\n";
            var note = truncated ? $"\n\n[Page truncated: only the first {options.MaxBytes} bytes were read.]" : "";
            return header + text + note;
        }
    }

    private async Task<(string Text, bool Truncated)> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var (buffer, length, truncated) = await BoundedContent.ReadAsync(content, options.MaxBytes, cancellationToken).ConfigureAwait(false);
        return (GetEncoding(content.Headers.ContentType).GetString(buffer, 0, length), truncated);
    }

    private static Encoding GetEncoding(MediaTypeHeaderValue? contentType)
    {
        var charset = contentType?.CharSet?.Trim('"', '\'');
        if (string.IsNullOrEmpty(charset))
            return Encoding.UTF8;
        try
        {
            return Encoding.GetEncoding(charset);
        }
        catch (ArgumentException)
        {
            return Encoding.UTF8;
        }
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private enum ContentKind { Html, Text, Pdf, Unsupported }

    private static ContentKind Classify(string mediaType) => mediaType switch
    {
        "text/html" or "application/xhtml+xml" => ContentKind.Html,
        "application/pdf" or "application/x-pdf" => ContentKind.Pdf,
        "text/plain" or "text/markdown" or "text/csv" or "text/xml" or "application/json" or "application/xml" => ContentKind.Text,
        _ when mediaType.EndsWith("+json", StringComparison.Ordinal) || mediaType.EndsWith("+xml", StringComparison.Ordinal) => ContentKind.Text,
        _ => ContentKind.Unsupported,
    };
}
