namespace Parley.Identity;

/// <summary>
/// An API key as stored: the secret itself is never kept, only its SHA-256 (<see cref="SecretHash"/>). The owner's
/// conversations and budget are what the key reaches; <see cref="Models"/> (empty: every model) and the limits narrow it.
/// </summary>
/// <param name="Id">The public part of the key (<c>pk_{Id}_…</c>), safe to show and log.</param>
/// <param name="Owner">The owner id the key acts as (<see cref="CallerIdentity.Owner"/>).</param>
/// <param name="Models">Model ids or patterns such as <c>mock/*</c> the key may use; empty for all.</param>
public sealed record ApiKey(
    string Id,
    string Name,
    string Owner,
    string SecretHash,
    IReadOnlyList<string> Models,
    int? RequestsPerMinute,
    long? DailyTokenLimit,
    int? MaxConcurrentStreams,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt = null,
    DateTimeOffset? RevokedAt = null)
{
    public string Prefix => $"{ApiKeySecret.Marker}{Id}_";

    public bool HasOwnLimits => RequestsPerMinute is > 0 || DailyTokenLimit is > 0 || MaxConcurrentStreams is > 0;
}
