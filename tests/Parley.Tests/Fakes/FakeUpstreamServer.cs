using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.Tests.Fakes;

/// <summary>One request a fake upstream received.</summary>
public sealed record FakeRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body, JsonDocument? Json)
{
    /// <summary>The parsed body's root; throws when the body was not JSON.</summary>
    public JsonElement Root => Json?.RootElement ?? throw new InvalidOperationException($"The body of {Method} {Path} was not JSON: {Body}");

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// The hosting half of a fake provider: a real Kestrel server on 127.0.0.1 with a random port, a queue of scripted
/// replies and a record of every request. Subclasses only map their routes and render replies in their wire format.
/// </summary>
public abstract class FakeUpstreamServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<FakeReply> _replies = new();
    private readonly ConcurrentQueue<FakeRequest> _requests = new();
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;
    private int _sequence;

    /// <summary>http://127.0.0.1:PORT, without a trailing slash.</summary>
    public string Origin { get; private set; } = "";

    /// <summary>What a client should be configured with as its base URL.</summary>
    public abstract string BaseUrl { get; }

    public IReadOnlyList<FakeRequest> Requests => [.. _requests];

    public FakeRequest LastRequest => _requests.LastOrDefault() ?? throw new InvalidOperationException("No request was received.");

    public void Enqueue(FakeReply reply) => _replies.Enqueue(reply);

    public void Enqueue(params FakeReply[] replies)
    {
        foreach (var reply in replies)
            _replies.Enqueue(reply);
    }

    protected abstract void MapRoutes(IEndpointRouteBuilder routes);

    protected async Task StartCoreAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        MapRoutes(_app);
        await _app.StartAsync();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("Kestrel reported no addresses.");
        Origin = addresses.Addresses.Single().TrimEnd('/');
    }

    /// <summary>Records the request and takes the next scripted reply, or echoes the last user message.</summary>
    protected async Task<(FakeRequest Request, FakeReply Reply)> ReceiveAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        JsonDocument? json = null;
        try
        {
            if (body.Length > 0)
                json = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
        }

        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new FakeRequest(context.Request.Method, context.Request.Path.Value ?? "", headers, body, json);
        _requests.Enqueue(request);
        var reply = _replies.TryDequeue(out var next) ? next : FakeReply.Text("fake: " + LastUserText(json));
        return (request, reply);
    }

    /// <summary>Cancelled when the client goes away or the fake is disposed.</summary>
    protected CancellationToken Lifetime(HttpContext context)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        context.Response.RegisterForDispose(linked);
        return linked.Token;
    }

    protected string NextId(string prefix) => prefix + Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture);

    /// <summary>Holds the request until the client gives up or the fake is disposed, then drops the connection.</summary>
    protected async Task HangAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, Lifetime(context));
        }
        catch (OperationCanceledException)
        {
        }

        context.Abort();
    }

    protected static async Task DelayAsync(TimeSpan delay, CancellationToken token)
    {
        if (delay > TimeSpan.Zero)
            await Task.Delay(delay, token);
    }

    protected static async Task WriteJsonAsync(HttpResponse response, int status, JsonNode body, TimeSpan? retryAfter = null)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        if (retryAfter is { } wait)
            response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await response.WriteAsync(body.ToJsonString());
    }

    protected static async Task StartSseAsync(HttpResponse response)
    {
        response.StatusCode = 200;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync();
    }

    /// <summary>Writes one SSE event (<c>event:</c> line only when <paramref name="eventName"/> is set) and flushes it.</summary>
    protected static async Task WriteSseAsync(HttpResponse response, string? eventName, string data, CancellationToken token)
    {
        var frame = eventName is null ? $"data: {data}\n\n" : $"event: {eventName}\ndata: {data}\n\n";
        await response.WriteAsync(frame, token);
        await response.Body.FlushAsync(token);
    }

    /// <summary>Splits tool-call arguments into a few fragments, the way providers stream them.</summary>
    protected static IEnumerable<string> Fragments(string text, int parts = 3)
    {
        if (text.Length == 0)
            yield break;
        var size = Math.Max(1, (int)Math.Ceiling(text.Length / (double)parts));
        for (var i = 0; i < text.Length; i += size)
            yield return text.Substring(i, Math.Min(size, text.Length - i));
    }

    protected static JsonNode? ParseArguments(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return new JsonObject();
        }
    }

    /// <summary>The text of the last user message; both providers use <c>messages[].content</c> as a string or typed parts.</summary>
    private static string LastUserText(JsonDocument? json)
    {
        if (json is null || !json.RootElement.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            return "";
        var last = messages.EnumerateArray().LastOrDefault(m => m.TryGetProperty("role", out var role) && role.GetString() == "user");
        if (last.ValueKind != JsonValueKind.Object || !last.TryGetProperty("content", out var content))
            return "";
        return content.ValueKind switch
        {
            JsonValueKind.String => content.GetString() ?? "",
            JsonValueKind.Array => string.Concat(content.EnumerateArray()
                .Where(p => p.TryGetProperty("type", out var t) && t.GetString() == "text" && p.TryGetProperty("text", out _))
                .Select(p => p.GetProperty("text").GetString())),
            _ => "",
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_app is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _app.StopAsync(timeout.Token);
            await _app.DisposeAsync();
        }

        foreach (var request in _requests)
            request.Json?.Dispose();
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
