namespace Parley.Usage;

/// <summary>One model call as recorded in the <c>usage</c> table.</summary>
/// <param name="Key">The API key used; null until API keys exist.</param>
/// <param name="Outcome"><c>ok</c>, <c>cancelled</c> or an error code.</param>
/// <param name="Cost">Estimated USD from <see cref="UsageOptions.Prices"/>; null when the model has no price.</param>
public sealed record UsageRecord(
    DateTimeOffset At,
    string Owner,
    string? Key,
    string Surface,
    string RequestedModel,
    string AnsweringModel,
    long PromptTokens,
    long CompletionTokens,
    long TotalTokens,
    bool Cached,
    double LatencyMs,
    double? TimeToFirstTokenMs,
    string Outcome,
    double? Cost)
{
    public const string Ok = "ok";
    public const string Cancelled = "cancelled";

    public bool IsError => Outcome is not (Ok or Cancelled);
}
