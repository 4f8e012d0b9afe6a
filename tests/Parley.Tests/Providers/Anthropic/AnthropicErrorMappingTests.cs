using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.AI;
using Parley.Errors;
using Parley.Providers;
using Parley.Providers.Anthropic;
using Parley.Tests.Fakes;
using Xunit;

namespace Parley.Tests.Providers.Anthropic;

/// <summary>Upstream failures become <see cref="ProviderException"/>s with Parley's codes, in both call modes.</summary>
public sealed class AnthropicErrorMappingTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new();
    private FakeAnthropicServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeAnthropicServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
    }

    private IChatClient Create(string? baseUrl = null, int timeoutSeconds = 5) =>
        AnthropicProvider.CreateChatClient("anthropic", new ProviderOptions { BaseUrl = baseUrl ?? _server.BaseUrl, TimeoutSeconds = timeoutSeconds }, "claude-test", Http);

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
    [InlineData(401, null, "invalid x-api-key", ErrorCodes.ProviderAuth, false)]
    [InlineData(401, null, "invalid x-api-key", ErrorCodes.ProviderAuth, true)]
    [InlineData(403, null, "Your API key does not have permission to use the specified resource.", ErrorCodes.ProviderAuth, false)]
    [InlineData(500, null, "Internal server error", ErrorCodes.ProviderUnavailable, false)]
    [InlineData(503, null, "Service unavailable", ErrorCodes.ProviderUnavailable, true)]
    [InlineData(529, "overloaded_error", "Overloaded", ErrorCodes.ProviderUnavailable, true)]
    [InlineData(400, null, "prompt is too long: 210000 tokens > 200000 maximum", ErrorCodes.ContextTooLong, false)]
    [InlineData(400, null, "prompt is too long: 210000 tokens > 200000 maximum", ErrorCodes.ContextTooLong, true)]
    [InlineData(400, null, "Output blocked by content filtering policy (content_policy).", ErrorCodes.ContentFiltered, false)]
    [InlineData(404, null, "model: claude-9", ErrorCodes.ModelNotFound, true)]
    [InlineData(400, null, "temperature: range: 0..1", ErrorCodes.InvalidRequest, false)]
    public async Task MapsHttpErrors(int status, string? type, string message, string expected, bool streaming)
    {
        _server.Enqueue(FakeReply.Error(status, message, type: type));

        var error = await CallAsync(Create(), streaming);

        Assert.Equal(expected, error.Code);
        Assert.Equal(status, error.UpstreamStatus);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RateLimitsCarryRetryAfter(bool streaming)
    {
        _server.Enqueue(FakeReply.Error(429, "Number of request tokens has exceeded your per-minute rate limit.", retryAfter: TimeSpan.FromSeconds(7)));

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
        var error = await CallAsync(Create($"http://127.0.0.1:{ClosedPort()}"), streaming);

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

    [Theory]
    [InlineData("rate_limit_error", ErrorCodes.ProviderRateLimited)]
    [InlineData("api_error", ErrorCodes.ProviderUnavailable)]
    public async Task AnErrorEventMapsByItsType(string type, string expected)
    {
        _server.Enqueue(FakeReply.MidStreamError(1, "Hello", " world") with { ErrorType = type });

        var error = await CallAsync(Create(), streaming: true);

        Assert.Equal(expected, error.Code);
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
