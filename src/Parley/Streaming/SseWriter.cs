using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Parley.Streaming;

/// <summary>
/// The one place Server-Sent Events are framed: <c>data: {json}\n\n</c> (optionally after <c>event: name\n</c>) written straight into the
/// response pipe with a reused <see cref="Utf8JsonWriter"/>, flushed per event, closed by <c>data: [DONE]</c>.
/// </summary>
public sealed class SseWriter : IDisposable
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] IdPrefix = "id: "u8.ToArray();
    private static readonly byte[] EventPrefix = "event: "u8.ToArray();
    private static readonly byte[] LineEnd = "\n"u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    private readonly HttpResponse _response;
    private readonly Utf8JsonWriter _json;

    private SseWriter(HttpResponse response)
    {
        _response = response;
        _json = new Utf8JsonWriter(response.BodyWriter);
    }

    public bool Started => _response.HasStarted;

    /// <summary>Sets the SSE headers; nothing is sent until the first event.</summary>
    public static SseWriter Begin(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        return new SseWriter(response);
    }

    public async ValueTask WriteAsync(Action<Utf8JsonWriter> writeJson, CancellationToken cancellationToken)
    {
        _response.BodyWriter.Write(DataPrefix);
        _json.Reset(_response.BodyWriter);
        writeJson(_json);
        _json.Flush();
        _response.BodyWriter.Write(EventEnd);
        await _response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>Writes one event whose JSON is already serialised, with its <c>id:</c> (resumable streams).</summary>
    public async ValueTask WriteRawAsync(long id, string json, CancellationToken cancellationToken)
    {
        _response.BodyWriter.Write(IdPrefix);
        Encoding.UTF8.GetBytes(id.ToString(CultureInfo.InvariantCulture), _response.BodyWriter);
        _response.BodyWriter.Write(LineEnd);
        _response.BodyWriter.Write(DataPrefix);
        Encoding.UTF8.GetBytes(json, _response.BodyWriter);
        _response.BodyWriter.Write(EventEnd);
        await _response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>An SSE comment: keeps idle connections open through proxies; clients ignore it.</summary>
    public async ValueTask WriteCommentAsync(string comment, CancellationToken cancellationToken)
    {
        _response.BodyWriter.Write(": "u8);
        Encoding.UTF8.GetBytes(comment, _response.BodyWriter);
        _response.BodyWriter.Write(EventEnd);
        await _response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>An <c>event: name</c> line before the data (the Responses and Anthropic Messages streams name every event).</summary>
    public ValueTask WriteAsync(string eventName, Action<Utf8JsonWriter> writeJson, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        _response.BodyWriter.Write(EventPrefix);
        _response.BodyWriter.Write(System.Text.Encoding.UTF8.GetBytes(eventName));
        _response.BodyWriter.Write(LineEnd);
        return WriteAsync(writeJson, cancellationToken);
    }

    /// <summary>Writes bytes that are already whole SSE events (relayed from an upstream) and flushes them.</summary>
    public async ValueTask WriteRawAsync(ReadOnlyMemory<byte> events, CancellationToken cancellationToken)
    {
        await _response.BodyWriter.WriteAsync(events, cancellationToken);
    }

    public void Dispose() => _json.Dispose();

    public async ValueTask WriteDoneAsync(CancellationToken cancellationToken)
    {
        _response.BodyWriter.Write(Done);
        await _response.BodyWriter.FlushAsync(cancellationToken);
    }
}
