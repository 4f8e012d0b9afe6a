namespace Parley.Usage;

/// <summary>How the SQL usage stores (SQLite, PostgreSQL) write the <c>usage</c> table: same columns, same order.</summary>
internal static class UsageRows
{
    public const string InsertColumns =
        "at, owner, api_key, surface, requested_model, model, prompt_tokens, completion_tokens, total_tokens, cached, latency_ms, ttft_ms, outcome, cost";

    // Both drivers store a bool as the column wants it (SQLite as 0/1).
    public static object?[] Values(UsageRecord r) =>
    [
        r.At.ToUnixTimeMilliseconds(), r.Owner, r.Key, r.Surface, r.RequestedModel, r.AnsweringModel, r.PromptTokens,
        r.CompletionTokens, r.TotalTokens, r.Cached, r.LatencyMs, r.TimeToFirstTokenMs, r.Outcome, r.Cost,
    ];
}
