namespace Parley.Sharing;

/// <summary>Share links. Implementations: SQLite (default), PostgreSQL, in-memory; one contract test suite.</summary>
public interface IShareStore
{
    Task InitializeAsync(CancellationToken cancellationToken = default);

    Task AddAsync(ShareLink link, CancellationToken cancellationToken = default);

    /// <summary>Any owner's link by its token (the public view); null when unknown or revoked.</summary>
    Task<ShareLink?> GetAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>One owner's links, newest first.</summary>
    Task<IReadOnlyList<ShareLink>> ListAsync(string owner, CancellationToken cancellationToken = default);

    /// <summary>Deletes the owner's link (the snapshot goes with it); false when the owner has no such link.</summary>
    Task<bool> RevokeAsync(string owner, string token, CancellationToken cancellationToken = default);

    /// <summary>Deletes every link of an owner ("delete all my data"); returns how many.</summary>
    Task<int> DeleteOfOwnerAsync(string owner, CancellationToken cancellationToken = default);
}
