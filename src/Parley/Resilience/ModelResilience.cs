using Microsoft.Extensions.Logging;
using Parley.Errors;
using Parley.Observability;
using Parley.Providers;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Parley.Resilience;

/// <summary>
/// One model's Polly pipeline: retries (exponential backoff with jitter, honouring a capped <c>Retry-After</c>) around
/// that model's circuit breaker. Shared by every client that calls the model, so they see the same breaker.
/// </summary>
public sealed partial class ModelResilience
{
    private static readonly ResiliencePropertyKey<int> RetryCap = new("parley.max_retries");
    private readonly ILogger _logger;
    private readonly ParleyMetrics _metrics;
    private int _open;

    public ModelResilience(ModelEntry model, ResilienceOptions options, ParleyMetrics metrics, ILogger logger, TimeProvider time)
    {
        Model = model;
        _metrics = metrics;
        _logger = logger;
        AttemptTimeout = options.AttemptTimeoutSeconds > 0 ? TimeSpan.FromSeconds(options.AttemptTimeoutSeconds) : null;
        if (!IsGuarded(model))
        {
            // The mock fails only when a message asks it to, and an app handler is the host's own code: neither is
            // retried nor counted by a breaker (they can still have fallbacks, and be one).
            Pipeline = ResiliencePipeline.Empty;
            AttemptTimeout = null;
            return;
        }
        var maxRetryAfter = options.MaxRetryAfter;
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                // A Retry-After longer than the cap is not waited for: the caller moves on to a fallback instead.
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is ProviderException { IsTransient: true } failure
                    && !(failure.RetryAfter > maxRetryAfter)
                    && !(args.Context.Properties.TryGetValue(RetryCap, out var cap) && args.AttemptNumber >= cap)),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Exception is ProviderException { RetryAfter: { } retryAfter } ? (TimeSpan?)retryAfter : null),
                OnRetry = args =>
                {
                    var failure = (ProviderException)args.Outcome.Exception!;
                    LogRetry(_logger, Model.Id, args.AttemptNumber + 2, failure.Code, failure.UpstreamStatus, args.RetryDelay.TotalMilliseconds);
                    _metrics.Retries.Add(1, new("model", Model.Id), new("code", failure.Code));
                    return default;
                },
            });
        }
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = options.FailureRatio,
            MinimumThroughput = options.FailureThreshold,
            SamplingDuration = TimeSpan.FromSeconds(options.SamplingSeconds),
            BreakDuration = TimeSpan.FromSeconds(options.BreakSeconds),
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is ProviderException { IsTransient: true }),
            OnOpened = args =>
            {
                LogBreakerOpened(_logger, Model.Id, args.BreakDuration.TotalSeconds);
                SetOpen(true);
                return default;
            },
            OnHalfOpened = _ =>
            {
                LogBreakerHalfOpened(_logger, Model.Id);
                SetOpen(false);
                return default;
            },
            OnClosed = _ =>
            {
                LogBreakerClosed(_logger, Model.Id);
                SetOpen(false);
                return default;
            },
        });
        Pipeline = builder.Build();
    }

    public ModelEntry Model { get; }

    /// <summary>True for models behind a network provider (OpenAI, Anthropic): those get retries and a breaker.</summary>
    public static bool IsGuarded(ModelEntry model) => model.Kind is not (ProviderKinds.Mock or ProviderKinds.Handler);

    public ResiliencePipeline Pipeline { get; }

    /// <summary>Limit of one attempt (a stream's: until its first update); null leaves it to the provider's timeout.</summary>
    public TimeSpan? AttemptTimeout { get; }

    /// <summary>True while the breaker fails calls fast.</summary>
    public bool IsOpen => Volatile.Read(ref _open) == 1;

    /// <summary>
    /// Runs one call through the retries and the breaker; an open breaker becomes a <c>provider_unavailable</c> error.
    /// <paramref name="maxRetries"/> lowers the configured retries for this call (a caller that retries on its own passes 0).
    /// </summary>
    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken, int? maxRetries = null)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        if (maxRetries is { } cap)
            context.Properties.Set(RetryCap, cap);
        try
        {
            return await Pipeline.ExecuteAsync(
                static async (context, attempt) => await attempt(context.CancellationToken).ConfigureAwait(false), context, attempt).ConfigureAwait(false);
        }
        catch (BrokenCircuitException ex)
        {
            LogFailFast(_logger, Model.Id);
            throw new ProviderException(ErrorCodes.ProviderUnavailable, 503,
                $"{Model.Id} is not being called for now: its circuit breaker is open after repeated failures. Try again in a moment or pick another model.",
                retryAfter: ex.RetryAfter, inner: ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private void SetOpen(bool open)
    {
        var now = open ? 1 : 0;
        if (Interlocked.Exchange(ref _open, now) != now)
            _metrics.BreakerOpen.Add(open ? 1 : -1, new KeyValuePair<string, object?>("model", Model.Id));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model}: starting attempt {Attempt} because the previous one failed with {Code} (upstream status {UpstreamStatus}), after {DelayMs:F0} ms")]
    private static partial void LogRetry(ILogger logger, string model, int attempt, string code, int? upstreamStatus, double delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model}: circuit breaker opened for {BreakSeconds} s after repeated failures")]
    private static partial void LogBreakerOpened(ILogger logger, string model, double breakSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Model}: circuit breaker half-open, letting a trial call through")]
    private static partial void LogBreakerHalfOpened(ILogger logger, string model);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Model}: circuit breaker closed")]
    private static partial void LogBreakerClosed(ILogger logger, string model);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model}: call not attempted because the circuit breaker is open")]
    private static partial void LogFailFast(ILogger logger, string model);
}
