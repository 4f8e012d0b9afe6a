using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Parley.Errors;
using Parley.Observability;
using Parley.Providers;

namespace Parley.Resilience;

/// <summary>
/// Retries, circuit breaker and fallbacks around one model's provider client (innermost in the pipeline, so each
/// tool-loop round gets its own retries). A non-streaming call is retried whole. A stream is retried, or moved to a
/// fallback, only until its first update: once an update reached the caller, a failure propagates unchanged.
/// Updates and responses written by a fallback carry the fallback's model id (<see cref="Chat.ReplyOrigin.AnsweredBy(ChatResponseUpdate)"/>).
/// </summary>
public sealed partial class ResilientChatClient : DelegatingChatClient
{
    /// <summary>
    /// ChatOptions.AdditionalProperties key (an <see cref="int"/>) capping this call's retries below the configured ones;
    /// a surface with its own retry budget (the Kafka worker's MAX_RETRIES) sets 0 so attempts do not multiply.
    /// </summary>
    public const string MaxRetriesKey = "parley.max_retries";

    private readonly IReadOnlyList<Candidate> _candidates;
    private readonly ParleyMetrics _metrics;
    private readonly ILogger _logger;

    /// <param name="provider">The model's provider client.</param>
    /// <param name="model">The resilience (retries, breaker) of the model itself.</param>
    /// <param name="fallbacks">Ordered fallbacks: each with its own resilience and provider client; their fallbacks are not followed.</param>
    public ResilientChatClient(
        IChatClient provider, ModelResilience model, IReadOnlyList<(ModelResilience Resilience, IChatClient Client)> fallbacks,
        ParleyMetrics metrics, ILogger logger)
        : base(provider)
    {
        _candidates = [new Candidate(model, provider), .. fallbacks.Select(f => new Candidate(f.Resilience, f.Client))];
        _metrics = metrics;
        _logger = logger;
    }

    public ModelEntry Model => _candidates[0].Resilience.Model;

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        for (var i = 0; ; i++)
        {
            var candidate = _candidates[i];
            var attemptOptions = OptionsFor(i, options);
            try
            {
                var response = await candidate.Resilience.ExecuteAsync(
                    token => WithAttemptTimeoutAsync(candidate, t => candidate.Client.GetResponseAsync(history, attemptOptions, t), token),
                    cancellationToken, RetryCap(options)).ConfigureAwait(false);
                if (i > 0)
                    Chat.ReplyOrigin.SetAnsweredBy(response.AdditionalProperties ??= [], candidate.Resilience.Model.Id);
                return response;
            }
            catch (ProviderException ex) when (ex.IsTransient && i + 1 < _candidates.Count && !cancellationToken.IsCancellationRequested)
            {
                FallingBack(candidate, _candidates[i + 1], ex);
            }
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var stream = await StartStreamAsync(history, options, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            if (stream.First is null)
                yield break;
            // From here on nothing is retried: the caller has (or is about to have) the first update.
            yield return Stamp(stream.First, stream.AnsweredBy);
            while (await stream.Updates.MoveNextAsync().ConfigureAwait(false))
                yield return Stamp(stream.Updates.Current, stream.AnsweredBy);
        }
    }

    /// <summary>Tries the model, then each fallback, until one yields its first update (or ends without any).</summary>
    private async Task<StartedStream> StartStreamAsync(IReadOnlyList<ChatMessage> history, ChatOptions? options, CancellationToken cancellationToken)
    {
        for (var i = 0; ; i++)
        {
            var candidate = _candidates[i];
            var attemptOptions = OptionsFor(i, options);
            var answeredBy = i > 0 ? candidate.Resilience.Model.Id : null;
            try
            {
                return await candidate.Resilience.ExecuteAsync(
                    token => StartAttemptAsync(candidate, history, attemptOptions, answeredBy, token), cancellationToken, RetryCap(options)).ConfigureAwait(false);
            }
            catch (ProviderException ex) when (ex.IsTransient && i + 1 < _candidates.Count && !cancellationToken.IsCancellationRequested)
            {
                FallingBack(candidate, _candidates[i + 1], ex);
            }
        }
    }

    private static async Task<StartedStream> StartAttemptAsync(
        Candidate candidate, IReadOnlyList<ChatMessage> history, ChatOptions? options, string? answeredBy, CancellationToken cancellationToken)
    {
        // The attempt's token lives as long as the stream; its timer (if any) only covers the wait for the first update.
        var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (candidate.Resilience.AttemptTimeout is { } limit)
            attempt.CancelAfter(limit);
        IAsyncEnumerator<ChatResponseUpdate>? updates = null;
        try
        {
            updates = candidate.Client.GetStreamingResponseAsync(history, options, attempt.Token).GetAsyncEnumerator(attempt.Token);
            var any = await updates.MoveNextAsync().ConfigureAwait(false);
            attempt.CancelAfter(Timeout.InfiniteTimeSpan);
            return new StartedStream(updates, any ? updates.Current : null, answeredBy, attempt);
        }
        catch (Exception ex)
        {
            if (updates is not null)
                await updates.DisposeAsync().ConfigureAwait(false);
            var timedOut = attempt.IsCancellationRequested && !cancellationToken.IsCancellationRequested;
            attempt.Dispose();
            if (timedOut && ex is OperationCanceledException)
                throw ProviderErrors.Timeout(candidate.Resilience.Model.Provider, ex);
            throw;
        }
    }

    private static async Task<T> WithAttemptTimeoutAsync<T>(Candidate candidate, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        if (candidate.Resilience.AttemptTimeout is not { } limit)
            return await call(cancellationToken).ConfigureAwait(false);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(limit);
        try
        {
            return await call(attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (attempt.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw ProviderErrors.Timeout(candidate.Resilience.Model.Provider, ex);
        }
    }

    private static int? RetryCap(ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(MaxRetriesKey, out var value) == true && value is int cap ? cap : null;

    /// <summary>A fallback is called with its own model id; the caller's options are left untouched.</summary>
    private ChatOptions? OptionsFor(int index, ChatOptions? options)
    {
        if (index == 0)
            return options;
        var copy = options?.Clone() ?? new ChatOptions();
        copy.ModelId = _candidates[index].Resilience.Model.ModelId;
        return copy;
    }

    private static ChatResponseUpdate Stamp(ChatResponseUpdate update, string? answeredBy)
    {
        if (answeredBy is not null)
            Chat.ReplyOrigin.SetAnsweredBy(update.AdditionalProperties ??= [], answeredBy);
        return update;
    }

    private void FallingBack(Candidate from, Candidate to, ProviderException failure)
    {
        LogFallback(_logger, from.Resilience.Model.Id, to.Resilience.Model.Id, failure.Code, failure.UpstreamStatus);
        _metrics.Fallbacks.Add(1, new("model", from.Resilience.Model.Id), new("fallback", to.Resilience.Model.Id));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model} failed with {Code} (upstream status {UpstreamStatus}) after its retries; trying fallback {Fallback}")]
    private static partial void LogFallback(ILogger logger, string model, string fallback, string code, int? upstreamStatus);

    private sealed record Candidate(ModelResilience Resilience, IChatClient Client);

    private sealed class StartedStream(
        IAsyncEnumerator<ChatResponseUpdate> updates, ChatResponseUpdate? first, string? answeredBy, CancellationTokenSource attempt) : IAsyncDisposable
    {
        public IAsyncEnumerator<ChatResponseUpdate> Updates { get; } = updates;

        public ChatResponseUpdate? First { get; } = first;

        public string? AnsweredBy { get; } = answeredBy;

        public async ValueTask DisposeAsync()
        {
            await Updates.DisposeAsync().ConfigureAwait(false);
            attempt.Dispose();
        }
    }
}
