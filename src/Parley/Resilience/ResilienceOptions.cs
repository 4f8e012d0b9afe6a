using System.ComponentModel.DataAnnotations;

namespace Parley.Resilience;

/// <summary>
/// Section <c>Parley:Resilience</c>: retries with exponential backoff and jitter on transient provider failures
/// (rate limits, 5xx, timeouts, network errors), a circuit breaker per model, and ordered fallback models.
/// A streamed reply is never retried or moved to a fallback once its first update reached the caller.
/// Retries and the breaker apply to network providers (OpenAI, Anthropic); the mock and app handlers are called once.
/// </summary>
public sealed class ResilienceOptions
{
    public const string Section = "Parley:Resilience";

    /// <summary>False turns retries, the circuit breaker and fallbacks off: every call goes to its provider once.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Retries after the first attempt on a transient failure (0 = no retries).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>Delay before the first retry; it doubles on each further retry, with jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest delay between two attempts.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A provider's <c>Retry-After</c> is honoured up to this long; a longer one is not waited for (the call goes to
    /// the next fallback, or fails).
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Time limit of one attempt in seconds (for a stream: until its first update), on top of the provider's own
    /// <c>TimeoutSeconds</c>; 0 leaves it to the provider's timeout.
    /// </summary>
    [Range(0, 3600)]
    public int AttemptTimeoutSeconds { get; set; }

    /// <summary>
    /// The circuit breaker of a model opens when, within <see cref="SamplingSeconds"/>, at least this many attempts were
    /// made (each retry counts) and at least <see cref="FailureRatio"/> of them failed transiently.
    /// </summary>
    [Range(2, 10_000)]
    public int FailureThreshold { get; set; } = 5;

    /// <summary>Share of failed calls within the window that opens the breaker (1 = every call failed).</summary>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Length of the window in which failures are counted, in seconds.</summary>
    [Range(0.5, 86_400)]
    public double SamplingSeconds { get; set; } = 30;

    /// <summary>How long an open breaker fails calls fast before letting one trial call through (half-open), in seconds.</summary>
    [Range(0.5, 86_400)]
    public double BreakSeconds { get; set; } = 30;

    /// <summary>
    /// Ordered fallback models by model (<c>Parley:Resilience:Fallbacks:openai/gpt-4o:0 = anthropic/claude-sonnet-4-5</c>).
    /// When a model still fails transiently after its retries, or its breaker is open, the next fallback answers.
    /// A fallback's own fallbacks are not followed.
    /// </summary>
    public Dictionary<string, List<string>> Fallbacks { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
