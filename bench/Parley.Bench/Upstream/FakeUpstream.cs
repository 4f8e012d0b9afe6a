using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.Bench.Upstream;

/// <summary>
/// How one upstream "model" answers: time to first token, number of tokens and the delay between them.
/// Reached at <c>/{Name}/v1/chat/completions</c>, so one server hosts every profile a run needs.
/// </summary>
public sealed record UpstreamProfile(string Name, int Tokens, int FirstTokenDelayMs = 0, int InterTokenDelayMs = 0)
{
    public bool Paced => FirstTokenDelayMs > 0 || InterTokenDelayMs > 0;
}

/// <summary>
/// A minimal OpenAI-compatible server (Kestrel slim builder, 127.0.0.1 only): every reply is serialised once at
/// start-up, the handler only scans the request for <c>"stream":true</c> and copies bytes, so what a run measures
/// through a gateway is the gateway's cost, not the upstream's.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private const string Token = " hello";
    private static readonly byte[] StreamTrue = "\"stream\":true"u8.ToArray();
    private static readonly byte[] StreamTrueSpaced = "\"stream\": true"u8.ToArray();

    private readonly WebApplication _app;
    private readonly Dictionary<string, Replies> _replies;

    private FakeUpstream(WebApplication app, Dictionary<string, Replies> replies, Uri address)
    {
        _app = app;
        _replies = replies;
        Address = address;
    }

    /// <summary>The server root, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Address { get; }

    public long Requests => _requests;

    private long _requests;

    /// <summary>The OpenAI base URL of a profile (what a gateway is configured with).</summary>
    public string BaseUrl(string profile) => $"{Address.ToString().TrimEnd('/')}/{profile}/v1";

    public static async Task<FakeUpstream> StartAsync(IEnumerable<UpstreamProfile> profiles)
    {
        var replies = profiles.ToDictionary(p => p.Name, p => new Replies(p), StringComparer.Ordinal);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxConcurrentConnections = null;
            k.Limits.MinRequestBodyDataRate = null;
            k.Limits.MinResponseDataRate = null;
        });
        var app = builder.Build();
        FakeUpstream? self = null;
        app.Run(context => self!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new FakeUpstream(app, replies, new Uri(address));
        return self;
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var path = context.Request.Path.Value ?? "";
        var slash = path.IndexOf('/', 1);
        if (!HttpMethods.IsPost(context.Request.Method) || slash < 0 || !path.EndsWith("/chat/completions", StringComparison.Ordinal)
            || !_replies.TryGetValue(path[1..slash], out var replies))
        {
            context.Response.StatusCode = 404;
            return;
        }

        var stream = await ReadStreamFlagAsync(context.Request);
        var response = context.Response;
        response.StatusCode = 200;
        if (!stream)
        {
            response.ContentType = "application/json";
            response.ContentLength = replies.Completion.Length;
            await response.BodyWriter.WriteAsync(replies.Completion, context.RequestAborted);
            return;
        }

        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        if (!replies.Profile.Paced)
        {
            await response.BodyWriter.WriteAsync(replies.WholeStream, context.RequestAborted);
            return;
        }

        try
        {
            await response.StartAsync(context.RequestAborted);
            if (replies.Profile.FirstTokenDelayMs > 0)
                await Task.Delay(replies.Profile.FirstTokenDelayMs, context.RequestAborted);
            await response.BodyWriter.WriteAsync(replies.RoleChunk, context.RequestAborted);
            for (var i = 0; i < replies.Profile.Tokens; i++)
            {
                if (i > 0 && replies.Profile.InterTokenDelayMs > 0)
                    await Task.Delay(replies.Profile.InterTokenDelayMs, context.RequestAborted);
                await response.BodyWriter.WriteAsync(replies.TokenChunk, context.RequestAborted);
            }
            await response.BodyWriter.WriteAsync(replies.Tail, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The gateway (or the load generator) hung up: the idle-stream scenario ends every stream this way.
        }
    }

    /// <summary>Drains the body and looks for <c>"stream":true</c> without parsing JSON.</summary>
    private static async Task<bool> ReadStreamFlagAsync(HttpRequest request)
    {
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync();
            if (result.IsCompleted)
            {
                var found = Contains(result.Buffer);
                reader.AdvanceTo(result.Buffer.End);
                return found;
            }
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private static bool Contains(System.Buffers.ReadOnlySequence<byte> buffer)
    {
        ReadOnlySpan<byte> span = buffer.IsSingleSegment ? buffer.FirstSpan : System.Buffers.BuffersExtensions.ToArray(buffer);
        return span.IndexOf(StreamTrue) >= 0 || span.IndexOf(StreamTrueSpaced) >= 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A profile's replies, serialised once.</summary>
    internal sealed class Replies
    {
        public Replies(UpstreamProfile profile)
        {
            Profile = profile;
            var content = string.Concat(Enumerable.Repeat(Token, profile.Tokens));
            Completion = Encoding.UTF8.GetBytes(
                "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"m\",\"system_fingerprint\":null," +
                "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\",\"refusal\":null}," +
                "\"logprobs\":null,\"finish_reason\":\"stop\"}]," +
                $"\"usage\":{{\"prompt_tokens\":12,\"completion_tokens\":{profile.Tokens},\"total_tokens\":{12 + profile.Tokens}}}}}");
            RoleChunk = Chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null");
            TokenChunk = Chunk("{\"content\":\"" + Token + "\"}", "null");
            Tail = [.. Chunk("{}", "\"stop\""), .. "data: [DONE]\n\n"u8];
            var whole = new List<byte>(RoleChunk);
            for (var i = 0; i < profile.Tokens; i++)
                whole.AddRange(TokenChunk);
            whole.AddRange(Tail);
            WholeStream = [.. whole];
        }

        public UpstreamProfile Profile { get; }

        public byte[] Completion { get; }

        public byte[] RoleChunk { get; }

        public byte[] TokenChunk { get; }

        public byte[] Tail { get; }

        public byte[] WholeStream { get; }

        private static byte[] Chunk(string delta, string finishReason) => Encoding.UTF8.GetBytes(
            "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m\"," +
            "\"system_fingerprint\":null,\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + finishReason + "}]}\n\n");
    }
}
