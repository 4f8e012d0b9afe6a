namespace Parley.Usage;

/// <summary>How <c>GET /api/usage</c> groups calls.</summary>
public enum UsageGroupBy
{
    Day,
    Model,
    Owner,
    Surface,

    /// <summary>The API key's id; <c>-</c> for calls made without a key (web sign-in, single-user mode, Kafka, bots).</summary>
    Key,
}

/// <summary>Calls made in [<paramref name="From"/>, <paramref name="To"/>) (either open when null), of one owner or all (null).</summary>
public sealed record UsageQuery(DateTimeOffset? From, DateTimeOffset? To, UsageGroupBy GroupBy, string? Owner);

/// <summary>Totals of one group: the day (<c>yyyy-MM-dd</c>, UTC), answering model, owner, surface or API key.</summary>
/// <param name="Cost">Sum of the calls' estimated costs; null when no call in the group has a price.</param>
public sealed record UsageGroup(
    string Key, long Requests, long PromptTokens, long CompletionTokens, long TotalTokens, double? Cost, long Errors, long Cached, double AvgLatencyMs);

/// <summary>Where usage records are kept: the SQLite <c>usage</c> table, or memory for tests and the library.</summary>
public interface IUsageStore
{
    Task InitializeAsync(CancellationToken cancellationToken = default);

    Task AddAsync(IReadOnlyList<UsageRecord> batch, CancellationToken cancellationToken = default);

    /// <summary>The groups ordered by key.</summary>
    Task<IReadOnlyList<UsageGroup>> QueryAsync(UsageQuery query, CancellationToken cancellationToken = default);

    /// <summary>Deletes calls made before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> DeleteBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default);

    /// <summary>Deletes every call of one owner ("delete all my data"); returns how many.</summary>
    Task<int> DeleteOwnerAsync(string owner, CancellationToken cancellationToken = default);
}
