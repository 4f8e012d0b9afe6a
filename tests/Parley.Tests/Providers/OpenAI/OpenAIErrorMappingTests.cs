using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.AI;
using Parley.Errors;
using Parley.Providers;
using Parley.Providers.OpenAI;
using Parley.Tests.Fakes;
using Xunit;

namespace Parley.Tests.Providers.OpenAI;

/// <summary>Upstream failures become <see cref="ProviderException"/>s with Parley's codes, in both call modes.</summary>
public sealed class OpenAIErrorMappingTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new();
    private FakeOpenAIServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAIServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
    }

    private IChatClient Create(string? baseUrl = null, int timeoutSeconds = 5) =>
        OpenAIProvider.CreateChatClient("openai", new ProviderOptions { BaseUrl = baseUrl ?? _server.BaseUrl, TimeoutSeconds = timeoutSeconds }, "gpt-4o-mini", Http);

    private static async Task<ProviderException> CallAsync(IChatClient client, bool streaming, CancellationToken token = default)
    {
        if (token == default)
            token = new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token;
        return await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            if (!streaming)
            {
                await client.GetResponseAsync("hi", null, token);
                return;
            }

            await foreach (var _ in client.GetStreamingResponseAsync("hi", null, token))
            {
            }
        });
    }

    [Theory]
    [InlineData(401, null, "Incorrect API key provided: sk-test.", ErrorCodes.ProviderAuth, false)]
    [InlineData(401, null, "Incorrect API key provided: sk-test.", ErrorCodes.ProviderAuth, true)]
    [InlineData(500, null, "The server had an error while processing your request.", ErrorCodes.ProviderUnavailable, false)]
    [InlineData(503, null, "The engine is currently overloaded.", ErrorCodes.ProviderUnavailable, true)]
    [InlineData(400, "context_length_exceeded", "This model's maximum context length is 128000 tokens.", ErrorCodes.ContextTooLong, false)]
    [InlineData(400, "context_length_exceeded", "Too long.", ErrorCodes.ContextTooLong, true)]
    [InlineData(400, "content_filter", "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.", ErrorCodes.ContentFiltered, false)]
    [InlineData(404, "model_not_found", "The model `gpt-9` does not exist.", ErrorCodes.ModelNotFound, true)]
    [InlineData(400, "invalid_value", "Invalid value for 'temperature'.", ErrorCodes.InvalidRequest, false)]
    public async Task MapsHttpErrors(int status, string? code, string message, string expected, bool streaming)
    {
        _server.Enqueue(FakeReply.Error(status, message, code: code));

        var error = await CallAsync(Create(), streaming);

        Assert.Equal(expected, error.Code);
        Assert.Equal(status, error.UpstreamStatus);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RateLimitsCarryRetryAfter(bool streaming)
    {
        _server.Enqueue(FakeReply.Error(429, "Rate limit reached for gpt-4o-mini.", retryAfter: TimeSpan.FromSeconds(7)));

        var error = await CallAsync(Create(), streaming);

        Assert.Equal(ErrorCodes.ProviderRateLimited, error.Code);
        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.True(error.IsTransient);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AHangingUpstreamTimesOut(bool streaming)
    {
        _server.Enqueue(FakeReply.Hanging());
        var clock = Stopwatch.StartNew();

        var error = await CallAsync(Create(timeoutSeconds: 1), streaming);

        Assert.Equal(ErrorCodes.ProviderTimeout, error.Code);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task AStreamThatStallsAfterStartingTimesOut()
    {
        _server.Enqueue(FakeReply.Text("a", "b") with { FirstChunkDelay = TimeSpan.FromSeconds(30) });

        var error = await CallAsync(Create(timeoutSeconds: 1), streaming: true);

        Assert.Equal(ErrorCodes.ProviderTimeout, error.Code);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ARefusedConnectionIsUnavailable(bool streaming)
    {
        var error = await CallAsync(Create($"http://127.0.0.1:{ClosedPort()}/v1"), streaming);

        Assert.Equal(ErrorCodes.ProviderUnavailable, error.Code);
        Assert.Null(error.UpstreamStatus);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CallerCancellationPropagatesUnwrapped(bool streaming)
    {
        _server.Enqueue(FakeReply.Hanging());
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var client = Create();

        var error = await Record.ExceptionAsync(async () =>
        {
            if (!streaming)
            {
                await client.GetResponseAsync("hi", null, cts.Token);
                return;
            }

            await foreach (var _ in client.GetStreamingResponseAsync("hi", null, cts.Token))
            {
            }
        });

        Assert.IsAssignableFrom<OperationCanceledException>(error);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AMidStreamFailureComesAfterTheTextAlreadyStreamed(bool abortConnection)
    {
        _server.Enqueue(FakeReply.MidStreamError(2, "Hello", " world", " never") with { AbortConnection = abortConnection });
        var texts = new List<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var update in Create().GetStreamingResponseAsync("hi", null, cts.Token))
                texts.Add(update.Text);
        });

        Assert.Equal("Hello world", string.Concat(texts));
        Assert.Equal(ErrorCodes.ProviderUnavailable, error.Code);
        Assert.True(error.IsTransient);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
