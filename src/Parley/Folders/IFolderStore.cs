namespace Parley.Folders;

/// <summary>
/// An owner's folders, in the database the conversation store's SQL tables live in (see <see cref="SqlFolderStore"/>).
/// Every call takes the owner, so one user never reaches another's folders.
/// </summary>
public interface IFolderStore
{
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>The owner's folders by name (case-insensitively), then id.</summary>
    Task<IReadOnlyList<Folder>> ListAsync(string owner, CancellationToken cancellationToken = default);

    /// <summary>The owner's folder, or null when the owner has no folder with that id.</summary>
    Task<Folder?> GetAsync(string owner, string id, CancellationToken cancellationToken = default);

    Task AddAsync(Folder folder, CancellationToken cancellationToken = default);

    /// <summary>False when the owner has no such folder.</summary>
    Task<bool> RenameAsync(string owner, string id, string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes the owner's folder and moves its conversations out of it (they are kept); false when there was none.</summary>
    Task<bool> DeleteAsync(string owner, string id, CancellationToken cancellationToken = default);

    /// <summary>Deletes every folder of an owner ("delete all my data"); returns how many.</summary>
    Task<int> DeleteOfOwnerAsync(string owner, CancellationToken cancellationToken = default);
}
