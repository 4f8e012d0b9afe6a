using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.Tests.Fakes;

/// <summary>One answer of <see cref="RawOpenAIUpstream"/>: a status and a body sent as written (SSE events are sent one write each).</summary>
public sealed record RawAnswer(int Status, string ContentType, IReadOnlyList<string> Parts, bool Abort = false)
{
    /// <summary>Response headers sent with the answer (a redirect's <c>Location</c>, a <c>Set-Cookie</c>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public static RawAnswer Json(string body, int status = 200) => new(status, "application/json", [body]);

    /// <summary>SSE: each element is one event's data (framed as <c>data: …\n\n</c>); <paramref name="abort"/> drops the connection after them.</summary>
    public static RawAnswer Events(IEnumerable<string> data, bool abort = false) =>
        new(200, "text/event-stream", [.. data.Select(d => $"data: {d}\n\n")], abort);
}

/// <summary>
/// An OpenAI-compatible upstream that records every request body byte for byte and answers with scripted bytes, so
/// tests can assert that what the client sent is what the upstream got, and that what the upstream sent is what the client got.
/// </summary>
public sealed class RawOpenAIUpstream : IAsyncDisposable
{
    private readonly ConcurrentQueue<RawAnswer> _answers = new();
    private readonly ConcurrentQueue<(string Path, string Body, string? Authorization)> _requests = new();
    private readonly ConcurrentQueue<string> _cookies = new();
    private WebApplication _app = null!;

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<(string Path, string Body, string? Authorization)> Requests => [.. _requests];

    public string LastBody => _requests.Last().Body;

    /// <summary>The <c>Cookie</c> header of every request, empty when none was sent.</summary>
    public IReadOnlyList<string> Cookies => [.. _cookies];

    public void Enqueue(params RawAnswer[] answers)
    {
        foreach (var answer in answers)
            _answers.Enqueue(answer);
    }

    public static async Task<RawOpenAIUpstream> StartAsync()
    {
        var upstream = new RawOpenAIUpstream();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        upstream._app = builder.Build();
        upstream._app.MapPost("/v1/chat/completions", upstream.AnswerAsync);
        upstream._app.MapPost("/v1/responses", upstream.AnswerAsync);
        upstream._app.MapPost("/elsewhere/v1/chat/completions", upstream.AnswerAsync);
        await upstream._app.StartAsync();
        var address = upstream._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        upstream.BaseUrl = address.TrimEnd('/') + "/v1";
        return upstream;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        _requests.Enqueue((context.Request.Path.Value ?? "", body, context.Request.Headers.Authorization.ToString()));
        _cookies.Enqueue(context.Request.Headers.Cookie.ToString());
        var answer = _answers.TryDequeue(out var next) ? next : RawAnswer.Json("""{"error":{"message":"no answer scripted","type":"server_error"}}""", 500);
        context.Response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers)
            context.Response.Headers[name] = value;
        context.Response.ContentType = answer.ContentType;
        foreach (var part in answer.Parts)
        {
            await context.Response.WriteAsync(part, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
        if (answer.Abort)
        {
            await Task.Delay(100, context.RequestAborted);
            context.Abort();
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
