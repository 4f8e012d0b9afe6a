namespace Parley.Identity;

/// <summary>What an API key is created with (admin API, self-service API and the <c>keys create</c> command).</summary>
public sealed record NewApiKey(
    string? Name,
    string Owner,
    IReadOnlyList<string>? Models = null,
    int? RequestsPerMinute = null,
    long? DailyTokenLimit = null,
    int? MaxConcurrentStreams = null,
    DateTimeOffset? ExpiresAt = null);
