namespace Parley.Responses;

/// <summary>
/// Stored Responses API responses. Implementations: SQL (SQLite or PostgreSQL, the default) and in-memory (with
/// <c>PARLEY_STORAGE_PROVIDER=memory</c>); one contract test suite. Every read and delete is scoped to the owner: another
/// owner's id behaves as if it did not exist. A response is readable for <see cref="StoredResponse.Lifetime"/> after it was made.
/// </summary>
public interface IResponseStore
{
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores (or replaces the owner's own) response. False when it was not stored: its stored form passes
    /// <see cref="StoredResponse.MaxBytes"/>, or the id belongs to another owner.
    /// </summary>
    Task<bool> SaveAsync(StoredResponse response, CancellationToken cancellationToken = default);

    /// <summary>The owner's response, or null when unknown, expired, deleted or someone else's.</summary>
    Task<StoredResponse?> FindAsync(string id, string owner, CancellationToken cancellationToken = default);

    /// <summary>Deletes the owner's response; false when the owner has no such response.</summary>
    Task<bool> DeleteAsync(string id, string owner, CancellationToken cancellationToken = default);

    /// <summary>Deletes an owner's responses made before <paramref name="before"/> (all of them when null); returns how many.</summary>
    Task<int> DeleteOfOwnerAsync(string owner, DateTimeOffset? before, CancellationToken cancellationToken = default);

    /// <summary>Deletes everyone's responses made before <paramref name="before"/> (expiry and retention); returns how many.</summary>
    Task<int> DeleteOlderThanAsync(DateTimeOffset before, CancellationToken cancellationToken = default);
}
