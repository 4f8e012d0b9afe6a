namespace Parley.Identity;

/// <summary>What an API key is created with (admin API, self-service API and the <c>keys create</c> command).</summary>
/// <param name="Owner">The owner id: the caller's own, or <see cref="IdentityService.OwnerIdOfAsync"/> of a typed name.</param>
public sealed record NewApiKey(
    string? Name,
    string Owner,
    IReadOnlyList<string>? Models = null,
    int? RequestsPerMinute = null,
    long? DailyTokenLimit = null,
    int? MaxConcurrentStreams = null,
    DateTimeOffset? ExpiresAt = null);
