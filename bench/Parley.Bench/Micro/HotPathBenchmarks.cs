using System.Net;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parley.Api.OpenAI;
using Parley.Bench.Scenarios;
using Parley.Bench.Upstream;
using Parley.Hosting;
using Parley.Providers;
using Parley.Providers.OpenAI;
using Parley.Streaming;

namespace Parley.Bench.Micro;

/// <summary>
/// The /v1 hot path piece by piece, in process, with allocations per operation: request parse, one SSE event,
/// the OpenAI adapter over a canned 50-token upstream stream, and the whole endpoint (Parley's real request
/// delegate, minus Kestrel) streaming and not. The upstream is an in-memory handler that still serialises the request.
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private static readonly JsonEncodedText ContentName = JsonEncodedText.Encode("content");

    private WebApplication _app = null!;
    private RequestDelegate _chatCompletions = null!;
    private IServiceScopeFactory _scopes = null!;
    private IChatClient _adapter = null!;
    private global::OpenAI.Chat.ChatClient _sdk = null!;
    private IChatClient _extensionsAdapter = null!;
    private global::OpenAI.Chat.ChatMessage[] _sdkMessages = null!;
    private SseWriter _sse = null!;
    private byte[] _streamRequest = null!;
    private byte[] _completionRequest = null!;
    private ChatMessage[] _messages = null!;
    private string _dataDirectory = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dataDirectory = Directory.CreateTempSubdirectory("parley-bench-micro-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = _dataDirectory });
        builder.Logging.ClearProviders();
        builder.AddParley(new Dictionary<string, string?>());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Parley:DataDirectory"] = _dataDirectory,
            ["Parley:Providers:bench:Kind"] = "openai",
            ["Parley:Providers:bench:BaseUrl"] = "http://127.0.0.1:9/v1",
            ["Parley:Providers:bench:ApiKey"] = "x",
            ["Parley:Providers:bench:Models:0"] = "m",
            ["Parley:DefaultModel"] = "bench/m",
        });
        builder.Services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => new CannedUpstream()));
        _app = builder.Build();
        _app.MapParley();
        _scopes = _app.Services.GetRequiredService<IServiceScopeFactory>();
        _chatCompletions = ((IEndpointRouteBuilder)_app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .First(e => e.RoutePattern.RawText == "/v1/chat/completions"
                && e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("POST") == true)
            .RequestDelegate!;

        _adapter = OpenAIProvider.CreateChatClient("bench", new ProviderOptions { BaseUrl = "http://127.0.0.1:9/v1", ApiKey = "x" }, "m",
            new HttpClient(new CannedUpstream()));
        _sdk = new global::OpenAI.OpenAIClient(new System.ClientModel.ApiKeyCredential("x"), new global::OpenAI.OpenAIClientOptions
        {
            Endpoint = new Uri("http://127.0.0.1:9/v1"),
            Transport = new System.ClientModel.Primitives.HttpClientPipelineTransport(new HttpClient(new CannedUpstream())),
        }).GetChatClient("m");
        _extensionsAdapter = _sdk.AsIChatClient();
        _sdkMessages = [new global::OpenAI.Chat.SystemChatMessage("You are terse."), new global::OpenAI.Chat.UserChatMessage("Say hello to the benchmark.")];
        _messages = [new ChatMessage(ChatRole.System, "You are terse."), new ChatMessage(ChatRole.User, "Say hello to the benchmark.")];
        _streamRequest = Target.Body("bench/m", stream: true);
        _completionRequest = Target.Body("bench/m", stream: false);
        _sse = SseWriter.Begin(new DefaultHttpContext());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sse.Dispose();
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>Body bytes to Parley's parsed request (what the /v1 handler does first).</summary>
    [Benchmark]
    public OpenAIChatRequest ParseRequest() =>
        OpenAIChatRequest.Parse(JsonSerializer.Deserialize<JsonElement>(_streamRequest), 5 * 1024 * 1024);

    /// <summary>One <c>data: {...}</c> token event through Parley's SSE writer into the response pipe.</summary>
    [Benchmark]
    public ValueTask SseTokenEvent() => _sse.WriteAsync(static w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("delta");
        w.WriteString(ContentName, " hello");
        w.WriteEndObject();
        w.WriteEndObject();
    }, CancellationToken.None);

    /// <summary>The OpenAI provider adapter alone: a 50-token upstream SSE stream to <see cref="ChatResponseUpdate"/>s.</summary>
    [Benchmark]
    public async Task<int> AdapterStream50()
    {
        var count = 0;
        await foreach (var update in _adapter.GetStreamingResponseAsync(_messages))
            count += update.Contents.Count;
        return count;
    }

    /// <summary>Microsoft.Extensions.AI.OpenAI's adapter over the same SDK client and stream, for comparison with Parley's.</summary>
    [Benchmark]
    public async Task<int> ExtensionsAdapterStream50()
    {
        var count = 0;
        await foreach (var update in _extensionsAdapter.GetStreamingResponseAsync(_messages))
            count += update.Contents.Count;
        return count;
    }

    /// <summary>The floor under the adapter: the OpenAI SDK alone (no Parley policy or translation) reading the same 50-token stream.</summary>
    [Benchmark]
    public async Task<int> SdkOnlyStream50()
    {
        var count = 0;
        await foreach (var update in _sdk.CompleteChatStreamingAsync(_sdkMessages))
            count += update.ContentUpdate.Count;
        return count;
    }

    /// <summary>POST /v1/chat/completions, non-streaming, through Parley's endpoint (binding, runner, pipeline, adapter, JSON out).</summary>
    [Benchmark]
    public Task CompletionEndpoint() => InvokeAsync(_completionRequest);

    /// <summary>POST /v1/chat/completions with <c>stream: true</c>, 50 tokens relayed as OpenAI chunks.</summary>
    [Benchmark]
    public Task Stream50Endpoint() => InvokeAsync(_streamRequest);

    private async Task InvokeAsync(byte[] body)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Features.Set<IHttpRequestBodyDetectionFeature>(CanHaveBody.Instance);
        // The endpoint runs without the middleware in front of it, so the caller authentication would have found is set here.
        context.Features.Set(Parley.Identity.CallerIdentity.Local);
        context.Request.Method = HttpMethods.Post;
        context.Request.Path = "/v1/chat/completions";
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body, writable: false);
        context.Response.Body = Stream.Null;
        await _chatCompletions(context);
        if (context.Response.StatusCode != 200)
            throw new InvalidOperationException($"The endpoint answered {context.Response.StatusCode}.");
    }

    private sealed class CanHaveBody : IHttpRequestBodyDetectionFeature
    {
        public static readonly CanHaveBody Instance = new();

        bool IHttpRequestBodyDetectionFeature.CanHaveBody => true;
    }

    /// <summary>An upstream in memory: reads (so the SDK serialises) the request, answers with the fake upstream's bytes.</summary>
    private sealed class CannedUpstream : HttpMessageHandler
    {
        private static readonly FakeUpstream.Replies Replies = new(Suite.Stream50);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            var stream = body.AsSpan().IndexOf("\"stream\":true"u8) >= 0;
            var response = new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new ByteArrayContent(stream ? Replies.WholeStream : Replies.Completion),
                RequestMessage = request,
            };
            response.Content.Headers.ContentType = new(stream ? "text/event-stream" : "application/json");
            return response;
        }
    }
}
