using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.AI;
using Parley.Errors;
using Parley.Tests.Fakes;

namespace Parley.Tests.Providers;

/// <summary>
/// How every provider adapter must report failures: <see cref="ProviderException"/>s with Parley's codes, in both
/// call modes. Each adapter's test class supplies its fake upstream and its own HTTP error cases.
/// </summary>
public abstract class ProviderErrorMappingContract : IAsyncLifetime
{
    protected static readonly HttpClient Http = new();

    protected FakeUpstreamServer Server { get; private set; } = null!;

    protected abstract Task<FakeUpstreamServer> StartServerAsync();

    /// <summary>The adapter under test, pointed at <paramref name="baseUrl"/> (the fake's by default).</summary>
    protected abstract IChatClient Create(string? baseUrl = null, int timeoutSeconds = 5);

    /// <summary>The base URL of a server that is not listening on <paramref name="port"/>.</summary>
    protected abstract string RefusedBaseUrl(int port);

    public async Task InitializeAsync() => Server = await StartServerAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    protected async Task AssertMapsAsync(FakeReply error, int status, string expected, bool streaming)
    {
        Server.Enqueue(error);

        var mapped = await CallAsync(Create(), streaming);

        Assert.Equal(expected, mapped.Code);
        Assert.Equal(status, mapped.UpstreamStatus);
    }

    protected static async Task<ProviderException> CallAsync(IChatClient client, bool streaming, CancellationToken token = default)
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
    [InlineData(false)]
    [InlineData(true)]
    public async Task RateLimitsCarryRetryAfter(bool streaming)
    {
        Server.Enqueue(FakeReply.Error(429, "Rate limit reached.", retryAfter: TimeSpan.FromSeconds(7)));

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
        Server.Enqueue(FakeReply.Hanging());
        var clock = Stopwatch.StartNew();

        var error = await CallAsync(Create(timeoutSeconds: 1), streaming);

        Assert.Equal(ErrorCodes.ProviderTimeout, error.Code);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task AStreamThatStallsAfterStartingTimesOut()
    {
        Server.Enqueue(FakeReply.Text("a", "b") with { FirstChunkDelay = TimeSpan.FromSeconds(30) });

        var error = await CallAsync(Create(timeoutSeconds: 1), streaming: true);

        Assert.Equal(ErrorCodes.ProviderTimeout, error.Code);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ARefusedConnectionIsUnavailable(bool streaming)
    {
        var error = await CallAsync(Create(RefusedBaseUrl(ClosedPort())), streaming);

        Assert.Equal(ErrorCodes.ProviderUnavailable, error.Code);
        Assert.Null(error.UpstreamStatus);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CallerCancellationPropagatesUnwrapped(bool streaming)
    {
        Server.Enqueue(FakeReply.Hanging());
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
        Server.Enqueue(FakeReply.MidStreamError(2, "Hello", " world", " never") with { AbortConnection = abortConnection });
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
