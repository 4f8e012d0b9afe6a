using System.Net.Http.Json;
using System.Text.Json;

namespace Parley.Tests.Support;

/// <summary>Reads a Server-Sent Events response the way a client does: <c>data:</c> lines until <c>[DONE]</c>.</summary>
public static class Sse
{
    public sealed record SseReply(IReadOnlyList<JsonElement> Events, bool SawDone, string Raw)
    {
        public IEnumerable<JsonElement> OfType(string type) => Events.Where(e => e.TryGetProperty("type", out var t) && t.GetString() == type);

        public string Text => string.Concat(OfType("text").Select(e => e.GetProperty("content").GetString()));

        public IReadOnlyList<string> Types => [.. Events.Select(e => e.TryGetProperty("type", out var t) ? t.GetString()! : "?")];
    }

    public static async Task<SseReply> PostAsync(HttpClient client, string path, object body, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
            throw new HttpRequestException($"Expected an event stream, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        return await ReadAsync(response, cancellationToken);
    }

    public static async Task<SseReply> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        var raw = await response.Content.ReadAsStringAsync(cancellationToken);
        var events = new List<JsonElement>();
        var done = false;
        foreach (var block in raw.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var data = block.StartsWith("data: ", StringComparison.Ordinal) ? block[6..] : throw new FormatException($"Not an SSE data frame: {block}");
            if (data == "[DONE]")
                done = true;
            else
                events.Add(JsonDocument.Parse(data).RootElement.Clone());
        }
        return new SseReply(events, done, raw);
    }
}
