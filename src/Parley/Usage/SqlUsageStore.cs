using Parley.Storage;

namespace Parley.Usage;

/// <summary>The <c>usage</c> table, one row per model call (SQLite migration 3, PostgreSQL migration 2).</summary>
public sealed class SqlUsageStore(SqlDatabase database) : IUsageStore
{
    public Task InitializeAsync(CancellationToken cancellationToken = default) => database.MigrateAsync(cancellationToken);

    public Task AddAsync(IReadOnlyList<UsageRecord> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Count == 0 ? Task.CompletedTask : database.ExecuteBatchAsync("""
            INSERT INTO usage (at, owner, api_key, surface, requested_model, model, prompt_tokens, completion_tokens, total_tokens,
                cached, latency_ms, ttft_ms, outcome, cost)
            VALUES (@At, @Owner, @Key, @Surface, @RequestedModel, @AnsweringModel, @PromptTokens, @CompletionTokens, @TotalTokens,
                @Cached, @LatencyMs, @TimeToFirstTokenMs, @Outcome, @Cost)
            """,
            batch.Select(r => new
            {
                At = r.At.ToUnixTimeMilliseconds(), r.Owner, r.Key, r.Surface, r.RequestedModel, r.AnsweringModel, r.PromptTokens,
                r.CompletionTokens, r.TotalTokens, r.Cached, r.LatencyMs, r.TimeToFirstTokenMs, r.Outcome, r.Cost,
            }),
            cancellationToken);
    }

    public Task<IReadOnlyList<UsageGroup>> QueryAsync(UsageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var key = query.GroupBy switch
        {
            UsageGroupBy.Day => database.DayOf("at"),
            UsageGroupBy.Model => "model",
            UsageGroupBy.Owner => "owner",
            UsageGroupBy.Key => "COALESCE(api_key, '-')",
            _ => "surface",
        };
        return database.QueryAsync($"""
            SELECT {key} AS k, COUNT(*), CAST(SUM(prompt_tokens) AS BIGINT), CAST(SUM(completion_tokens) AS BIGINT),
                CAST(SUM(total_tokens) AS BIGINT), SUM(cost), CAST(SUM(CASE WHEN outcome IN ('ok', 'cancelled') THEN 0 ELSE 1 END) AS BIGINT),
                CAST(SUM(CASE WHEN cached THEN 1 ELSE 0 END) AS BIGINT), AVG(latency_ms)
            FROM usage
            WHERE (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to) AND (@owner IS NULL OR owner = @owner)
            GROUP BY k ORDER BY k
            """,
            new { from = SqlValues.Ms(query.From), to = SqlValues.Ms(query.To), owner = query.Owner },
            r => new UsageGroup(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4),
                r.IsDBNull(5) ? null : r.GetDouble(5), r.GetInt64(6), r.GetInt64(7), r.GetDouble(8)),
            cancellationToken);
    }

    public Task<int> DeleteBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("DELETE FROM usage WHERE at < @cutoff", new { cutoff = cutoff.ToUnixTimeMilliseconds() }, cancellationToken);

    public Task<int> DeleteOwnerAsync(string owner, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("DELETE FROM usage WHERE owner = @owner", new { owner }, cancellationToken);
}
