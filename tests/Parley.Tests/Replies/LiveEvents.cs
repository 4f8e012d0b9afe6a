using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Replies;

/// <summary>An SSE response read event by event, as a browser does, so a test can stop reading (hang up) mid-reply.</summary>
public sealed class LiveEvents : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private LiveEvents(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public List<(long? Id, JsonElement Event)> Events { get; } = [];

    public bool SawDone { get; private set; }

    public string Text => string.Concat(Events.Where(e => Type(e.Event) == "text").Select(e => e.Event.GetProperty("content").GetString()));

    public long LastId => Events.Last(e => e.Id is not null).Id!.Value;

    public static async Task<LiveEvents> OpenAsync(HttpClient client, HttpMethod method, string path, object? body = null, long? lastEventId = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is { } id)
            request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
            throw new HttpRequestException($"Expected an event stream, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return new LiveEvents(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    public static string Type(JsonElement e) => e.TryGetProperty("type", out var t) ? t.GetString() ?? "?" : "?";

    /// <summary>Reads events until <paramref name="until"/> holds for the last one, or the stream ends; bounded by <paramref name="timeout"/>.</summary>
    public async Task ReadUntilAsync(Func<JsonElement, bool> until, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        var block = new List<string>();
        while (await _reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.Length > 0)
            {
                block.Add(line);
                continue;
            }
            if (block.Count == 0)
                continue;
            var parsed = Sse.Parse(string.Join('\n', block) + "\n\n");
            block.Clear();
            if (parsed.SawDone)
            {
                SawDone = true;
                return;
            }
            if (parsed.Events.Count == 0)
                continue;
            Events.Add((parsed.Ids[0], parsed.Events[0]));
            if (until(parsed.Events[0]))
                return;
        }
    }

    public Task ReadTextsAsync(int count) => ReadUntilAsync(_ => Events.Count(e => Type(e.Event) == "text") >= count);

    public Task ReadToEndAsync(TimeSpan? timeout = null) => ReadUntilAsync(_ => false, timeout);

    public JsonElement Only(string type) => Events.Single(e => Type(e.Event) == type).Event;

    /// <summary>Hangs up, as a closed tab or a dropped network does.</summary>
    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
