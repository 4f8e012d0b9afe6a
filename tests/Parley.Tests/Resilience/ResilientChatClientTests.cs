using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Parley.Configuration;
using Parley.Errors;
using Parley.Observability;
using Parley.Providers;
using Parley.Resilience;
using Parley.Tests.Tools;

namespace Parley.Tests.Resilience;

public sealed class ResilientChatClientTests : IDisposable
{
    private static readonly ModelEntry Primary = new("openai", ProviderKinds.OpenAI, "gpt-4o", Vision: true, Listed: true);
    private static readonly ModelEntry Backup = new("mock", ProviderKinds.Mock, "echo", Vision: true, Listed: true);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ParleyMetrics _metrics;

    public ResilientChatClientTests() => _metrics = new ParleyMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

    public void Dispose()
    {
        _metrics.Dispose();
        _services.Dispose();
    }

    private static ResilienceOptions Fast(int retries = 2, int threshold = 100) => new()
    {
        MaxRetries = retries, BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(20),
        FailureThreshold = threshold, FailureRatio = 1, BreakSeconds = 60, MaxRetryAfter = TimeSpan.FromSeconds(1),
    };

    private ModelResilience For(ModelEntry model, ResilienceOptions options) =>
        new(model, options, _metrics, NullLogger.Instance, TimeProvider.System);

    private ResilientChatClient Create(IChatClient provider, ResilienceOptions options, params (ModelEntry Model, IChatClient Client)[] fallbacks) =>
        new(provider, For(Primary, options), [.. fallbacks.Select(f => (For(f.Model, options), f.Client))], _metrics, NullLogger.Instance);

    private static ProviderException Unavailable(TimeSpan? retryAfter = null) =>
        new(ErrorCodes.ProviderUnavailable, 502, "down", 503, retryAfter);

    private static Task<ChatResponse> Throw(Exception ex) => Task.FromException<ChatResponse>(ex);

    private static async Task<string> ReadAllAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var text = "";
        await foreach (var update in updates)
            text += update.Text;
        return text;
    }

    [Fact(Timeout = 5_000)]
    public async Task Transient_failures_are_retried_then_the_answer_is_returned()
    {
        var provider = new ScriptedChatClient().Then((_, _, _) => Throw(Unavailable())).Then((_, _, _) => Throw(Unavailable())).ThenText("fine");
        using var client = Create(provider, Fast());

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);

        Assert.Equal("fine", response.Text);
        Assert.Equal(3, provider.Requests.Count);
        Assert.Null(Parley.Chat.ReplyOrigin.AnsweredBy(response.AdditionalProperties));
    }

    [Fact(Timeout = 5_000)]
    public async Task Retries_stop_at_the_limit_and_the_last_failure_propagates()
    {
        var provider = new ScriptedChatClient();
        for (var i = 0; i < 3; i++)
            provider.Then((_, _, _) => Throw(Unavailable()));
        using var client = Create(provider, Fast(retries: 2));

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(ErrorCodes.ProviderUnavailable, error.Code);
        Assert.Equal(3, provider.Requests.Count);
    }

    [Fact(Timeout = 5_000)]
    public async Task Non_transient_failures_and_overlong_retry_after_are_not_retried()
    {
        var provider = new ScriptedChatClient()
            .Then((_, _, _) => Throw(new ProviderException(ErrorCodes.ProviderAuth, 502, "bad key", 401)))
            .Then((_, _, _) => Throw(Unavailable(retryAfter: TimeSpan.FromMinutes(5))));
        using var client = Create(provider, Fast());

        Assert.Equal(ErrorCodes.ProviderAuth, (await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync([]))).Code);
        Assert.Equal(ErrorCodes.ProviderUnavailable, (await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync([]))).Code);
        Assert.Equal(2, provider.Requests.Count);
    }

    [Fact(Timeout = 5_000)]
    public async Task A_stream_failing_before_its_first_update_is_retried()
    {
        var provider = new ScriptedChatClient().Then((_, _, _) => Throw(Unavailable())).ThenText("streamed");
        using var client = Create(provider, Fast());

        Assert.Equal("streamed", await ReadAllAsync(client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")])));
        Assert.Equal(2, provider.Requests.Count);
    }

    [Fact(Timeout = 5_000)]
    public async Task A_stream_failing_after_its_first_update_is_not_retried_nor_moved_to_a_fallback()
    {
        var provider = new ScriptedChatClient();
        provider.StreamingTurns.Add((_, _) => FailAfterFirst());
        var backup = new ScriptedChatClient().ThenText("backup");
        using var client = Create(provider, Fast(), (Backup, backup));

        var seen = new List<string>();
        var error = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
                seen.Add(update.Text);
        });

        Assert.Equal(["first"], seen);
        Assert.Equal(ErrorCodes.ProviderUnavailable, error.Code);
        Assert.Single(provider.Requests);
        Assert.Empty(backup.Requests);

        static async IAsyncEnumerable<ChatResponseUpdate> FailAfterFirst()
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, "first");
            await Task.Yield();
            throw Unavailable();
        }
    }

    [Fact(Timeout = 5_000)]
    public async Task After_its_retries_a_model_falls_back_with_the_fallback_model_id()
    {
        var provider = new ScriptedChatClient().Then((_, _, _) => Throw(Unavailable())).Then((_, _, _) => Throw(Unavailable()));
        string? sentModel = null;
        var backup = new ScriptedChatClient().Then((_, options, _) =>
        {
            sentModel = options?.ModelId;
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "from backup")));
        }).ThenText("streamed backup");
        using var client = Create(provider, Fast(retries: 1), (Backup, backup));
        var options = new ChatOptions { ModelId = "gpt-4o" };

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], options);

        Assert.Equal("from backup", response.Text);
        Assert.Equal("mock/echo", Parley.Chat.ReplyOrigin.AnsweredBy(response.AdditionalProperties));
        Assert.Equal("echo", sentModel);
        Assert.Equal("gpt-4o", options.ModelId);
        Assert.Equal(2, provider.Requests.Count);
    }

    [Fact(Timeout = 5_000)]
    public async Task Streamed_updates_from_a_fallback_are_marked_with_its_model()
    {
        var provider = new ScriptedChatClient().Then((_, _, _) => Throw(Unavailable()));
        var backup = new ScriptedChatClient().ThenText("backup text");
        using var client = Create(provider, Fast(retries: 0), (Backup, backup));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
            updates.Add(update);

        Assert.Equal("backup text", string.Concat(updates.Select(u => u.Text)));
        Assert.All(updates, u => Assert.Equal("mock/echo", Parley.Chat.ReplyOrigin.AnsweredBy(u.AdditionalProperties)));
    }

    [Fact(Timeout = 5_000)]
    public async Task An_open_breaker_fails_fast_without_calling_the_provider()
    {
        var provider = new ScriptedChatClient().Then((_, _, _) => Throw(Unavailable())).Then((_, _, _) => Throw(Unavailable()));
        using var client = Create(provider, Fast(retries: 0, threshold: 2));

        await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync([]));
        await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync([]));
        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync([]));

        Assert.Equal(ErrorCodes.ProviderUnavailable, error.Code);
        Assert.Contains("circuit breaker is open", error.Message);
        Assert.Equal(2, provider.Requests.Count);
    }

    [Fact(Timeout = 5_000)]
    public async Task A_hanging_first_update_hits_the_attempt_timeout_and_is_retried()
    {
        var provider = new ScriptedChatClient();
        provider.StreamingTurns.Add((_, token) => Hang(token));
        provider.ThenText("second try");
        var options = Fast(retries: 1);
        options.AttemptTimeoutSeconds = 1;
        using var client = Create(provider, options);

        Assert.Equal("second try", await ReadAllAsync(client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")])));
        Assert.Equal(2, provider.Requests.Count);

        static async IAsyncEnumerable<ChatResponseUpdate> Hang([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
        {
            await Task.Delay(Timeout.Infinite, token);
            yield break;
        }
    }

    [Fact]
    public void Unknown_fallbacks_and_bad_delays_are_rejected_at_startup()
    {
        var catalog = new ModelCatalog(Options.Create(new ParleyOptions()));
        var options = new ResilienceOptions { BaseDelay = TimeSpan.Zero };
        options.Fallbacks["mock/echo"] = ["nowhere/model", "mock/echo"];

        var result = new ResilienceOptionsValidator(catalog).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("'nowhere/model'", StringComparison.Ordinal) && f.Contains("not a configured model", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("lists the model itself", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("BaseDelay", StringComparison.Ordinal));
        Assert.True(new ResilienceOptionsValidator(catalog).Validate(null, new ResilienceOptions { Fallbacks = { ["mock/echo"] = ["mock/markdown"] } }).Succeeded);
    }
}
