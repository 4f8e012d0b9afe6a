using System.Net.Http.Json;
using System.Text.Json;

namespace Parley.Tests.Support;

/// <summary>Reads a Server-Sent Events response the way a client does: <c>data:</c> lines until <c>[DONE]</c>.</summary>
public static class Sse
{
    /// <summary>The events in order, their <c>id:</c> values (null where an event had none), whether <c>[DONE]</c> came, and the raw text.</summary>
    public sealed record SseReply(IReadOnlyList<JsonElement> Events, bool SawDone, string Raw)
    {
        public IReadOnlyList<long?> Ids { get; init; } = [];

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

    public static async Task<SseReply> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken = default) =>
        Parse(await response.Content.ReadAsStringAsync(cancellationToken));

    /// <summary>Parses SSE text: each block is optional <c>id:</c> and comment lines and one <c>data:</c> line.</summary>
    public static SseReply Parse(string raw)
    {
        var events = new List<JsonElement>();
        var ids = new List<long?>();
        var done = false;
        foreach (var block in raw.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            long? id = null;
            string? data = null;
            foreach (var line in block.Split('\n'))
            {
                if (line.StartsWith("id: ", StringComparison.Ordinal))
                    id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                    data = line[6..];
                else if (!line.StartsWith(':'))
                    throw new FormatException($"Not an SSE frame: {block}");
            }
            if (data is null)
                continue;
            if (data == "[DONE]")
                done = true;
            else
            {
                events.Add(JsonDocument.Parse(data).RootElement.Clone());
                ids.Add(id);
            }
        }
        return new SseReply(events, done, raw) { Ids = ids };
    }
}
