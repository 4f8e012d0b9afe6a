using System.Globalization;

namespace Parley.Usage;

/// <summary>Usage records in process, for tests and the library package.</summary>
public sealed class InMemoryUsageStore : IUsageStore
{
    private readonly Lock _lock = new();
    private readonly List<UsageRecord> _records = [];

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task AddAsync(IReadOnlyList<UsageRecord> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_lock)
            _records.AddRange(batch);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<UsageGroup>> QueryAsync(UsageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        List<UsageRecord> matching;
        lock (_lock)
            matching = [.. _records.Where(r => (query.From is null || r.At >= query.From) && (query.To is null || r.At < query.To)
                && (query.Owner is null || r.Owner == query.Owner))];
        IReadOnlyList<UsageGroup> groups = [.. matching
            .GroupBy(r => KeyOf(r, query.GroupBy), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new UsageGroup(
                g.Key, g.Count(), g.Sum(r => r.PromptTokens), g.Sum(r => r.CompletionTokens), g.Sum(r => r.TotalTokens),
                g.Any(r => r.Cost is not null) ? g.Sum(r => r.Cost ?? 0) : null,
                g.Count(r => r.IsError), g.Count(r => r.Cached), g.Average(r => r.LatencyMs)))];
        return Task.FromResult(groups);
    }

    public Task<int> DeleteBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return Task.FromResult(_records.RemoveAll(r => r.At < cutoff));
    }

    public Task<int> DeleteOwnerAsync(string owner, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return Task.FromResult(_records.RemoveAll(r => string.Equals(r.Owner, owner, StringComparison.Ordinal)));
    }

    /// <summary>The group of calls made without an API key.</summary>
    public const string NoKey = "-";

    private static string KeyOf(UsageRecord record, UsageGroupBy groupBy) => groupBy switch
    {
        UsageGroupBy.Day => record.At.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        UsageGroupBy.Model => record.AnsweringModel,
        UsageGroupBy.Owner => record.Owner,
        UsageGroupBy.Key => record.Key ?? NoKey,
        _ => record.Surface,
    };
}
