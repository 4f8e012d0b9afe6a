using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Parley.Configuration;
using Parley.Errors;
using Parley.Tools;

namespace Parley.Bots;

/// <summary>
/// Downloads an image a platform sent by URL (BubbleTea's <c>images[].url</c>) so it is kept with the conversation like an
/// uploaded one. The URL came from outside, so the connection goes through the tools' SSRF guard; the body is capped at
/// <see cref="ParleyOptions.MaxImageBytes"/> and must be an image.
/// </summary>
public sealed class BotImageFetcher(ToolCatalog tools, IOptions<ParleyOptions> options) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly Lazy<HttpClient> _http = new(() => GuardedHttp.CreateClient(tools.AddressPolicy, Timeout, "Parley/1.0 (bot images)"));

    /// <summary>The image at <paramref name="url"/> as a data URL, or a 400 naming <paramref name="field"/> and what went wrong.</summary>
    public async Task<string> FetchAsync(string url, string field, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw Invalid($"{field} must be an absolute http(s) URL.");
        var limit = options.Value.MaxImageBytes;
        try
        {
            using var response = await _http.Value.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw Invalid($"{field} could not be downloaded: the server answered {(int)response.StatusCode}.");
            var type = response.Content.Headers.ContentType?.MediaType;
            if (type is null || !type.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
                throw Invalid($"{field} is not an image (its content type is {type ?? "missing"}).");
            if (response.Content.Headers.ContentLength > limit)
                throw TooLarge(field, limit);
            var (bytes, length, truncated) = await BoundedContent.ReadAsync(response.Content, limit, cancellationToken);
            if (truncated)
                throw TooLarge(field, limit);
            return $"data:{type.ToLowerInvariant()};base64,{Convert.ToBase64String(bytes, 0, length)}";
        }
        catch (HttpRequestException ex) when (GuardedHttp.IsBlocked(ex, out var blocked))
        {
            throw Invalid($"{field} points to a {blocked!.Reason} address, which Parley does not fetch from.");
        }
        catch (HttpRequestException ex)
        {
            throw Invalid($"{field} could not be downloaded ({ex.HttpRequestError}).");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Invalid($"{field} took longer than {Timeout.TotalSeconds:0} s to download.");
        }
    }

    public void Dispose()
    {
        if (_http.IsValueCreated)
            _http.Value.Dispose();
    }

    private static ParleyException TooLarge(string field, int limit) =>
        new(ErrorCodes.InvalidImage, 400, $"{field} is larger than the {limit / 1024 / 1024.0:0.#} MB image limit.");

    private static ParleyException Invalid(string message) => new(ErrorCodes.InvalidImage, 400, message);
}
